package dev.thaw.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LayerTreeTest {
  private LayerTree tree() throws Exception {
    return new LayerTree(
        new TestTocs(new MemoryChunkSource())
            .dir("a/", 0755)
            .add(TocEntry.builder("a/.wh.gone", TocEntryType.REG).build())
            .add(TocEntry.builder("a/.wh.both", TocEntryType.REG).build())
            .file("a/both", 0644, new byte[] {1})
            .dir("a/opq/", 0755)
            .add(TocEntry.builder("a/opq/.wh..wh..opq", TocEntryType.REG).build())
            .file("a/opq/kept", 0644, new byte[] {2})
            .file(".no.prefetch.landmark", 0644, new byte[] {'v'})
            .build());
  }

  @ParameterizedTest
  @CsvSource({"/, ''", "/a/b, a/b", "a/b/, a/b", "//a, a"})
  void tocPath_fusePath_stripsSlashes(String fusePath, String tocPath) {
    assertEquals(tocPath, LayerTree.tocPath(fusePath));
  }

  @Test
  void children_whiteoutsAndMarker_translatedAndHidden() throws Exception {
    LayerTree tree = tree();
    LayerNode a = tree.lookup("/a").orElseThrow();
    assertEquals(
        "gone:true both:false opq:false",
        String.join(
            " ", tree.children(a).stream().map(n -> n.name() + ":" + n.whiteout()).toList()));
    assertEquals(
        "kept",
        String.join(
            " ",
            tree.children(tree.lookup("/a/opq").orElseThrow()).stream()
                .map(LayerNode::name)
                .toList()));
  }

  @Test
  void lookup_whiteoutName_foundAsWhiteoutAndMarkerNamesHidden() throws Exception {
    LayerTree tree = tree();
    assertTrue(tree.lookup("/a/gone").orElseThrow().whiteout());
    assertFalse(tree.lookup("/a/both").orElseThrow().whiteout());
    assertTrue(tree.lookup("/a/.wh.gone").isEmpty());
    assertTrue(tree.lookup("/a/opq/.wh..wh..opq").isEmpty());
    assertTrue(tree.lookup("/a/opq").orElseThrow().opaque());
    assertFalse(tree.lookup("/a").orElseThrow().opaque());
    assertTrue(tree.lookup("/a/missing").isEmpty());
    assertTrue(tree.lookup("/.no.prefetch.landmark").isEmpty(), "eStargz landmark hidden");
    assertEquals(
        List.of("a"),
        tree.children(tree.lookup("/").orElseThrow()).stream().map(LayerNode::name).toList());
  }
}
