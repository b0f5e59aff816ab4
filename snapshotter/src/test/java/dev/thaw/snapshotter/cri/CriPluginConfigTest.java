package dev.thaw.snapshotter.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CriPluginConfigTest {
  /** The shape of containerd 1.6's verbose CRI status info["config"], trimmed. */
  private static String config(String snapshotter, boolean disableAnnotations) {
    return """
    {"containerd":{"snapshotter":"%s","defaultRuntimeName":"runc",\
    "disableSnapshotAnnotations":%s,"discardUnpackedLayers":false},\
    "cni":{"binDir":"/opt/cni/bin"},"sandboxImage":"k8s.gcr.io/pause:3.6"}\
    """
        .formatted(snapshotter, disableAnnotations);
  }

  @Test
  void parse_containerdConfig_readsSnapshotterAndAnnotations() throws IOException {
    assertEquals(new CriPluginConfig("thaw", true), CriPluginConfig.parse(config("thaw", false)));
    assertEquals(
        new CriPluginConfig("overlayfs", false), CriPluginConfig.parse(config("overlayfs", true)));
  }

  @Test
  void parse_noAnnotationsKey_meansPassed() throws IOException {
    assertEquals(
        new CriPluginConfig("thaw", true),
        CriPluginConfig.parse("{\"containerd\":{\"snapshotter\":\"thaw\"}}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{}", "{\"containerd\":{\"snapshotter\":3}}", "[1]"})
  void parse_withoutSnapshotter_failsNamingWhatWasRead(String json) {
    IOException e = assertThrows(IOException.class, () -> CriPluginConfig.parse(json));
    assertTrue(e.getMessage().startsWith("read containerd's CRI config: "), e.getMessage());
  }

  @Test
  void problemFor_matchingSnapshotterWithAnnotations_isEmpty() {
    assertEquals(Optional.empty(), new CriPluginConfig("thaw", true).problemFor("thaw"));
  }

  @Test
  void problemFor_otherSnapshotter_namesTheSetting() {
    String problem = new CriPluginConfig("overlayfs", true).problemFor("thaw").orElseThrow();
    assertTrue(problem.contains("snapshotter \"overlayfs\", not \"thaw\""), problem);
    assertTrue(problem.contains("set snapshotter = \"thaw\""), problem);
    assertTrue(problem.contains("[plugins.\"io.containerd.grpc.v1.cri\".containerd]"), problem);
  }

  @Test
  void problemFor_annotationsDisabled_namesTheSetting() {
    String problem = new CriPluginConfig("thaw", false).problemFor("thaw").orElseThrow();
    assertTrue(problem.contains("set disable_snapshot_annotations = false"), problem);
  }
}
