package dev.thaw.image.toc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TocIndexTest {
  private static final Digest D = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));

  private static TocEntry.Builder reg(String name, long size, long offset) {
    return TocEntry.builder(name, TocEntryType.REG)
        .size(size)
        .offset(offset)
        .digest(D)
        .chunkDigest(D);
  }

  /** a 10-byte file in chunks of 4,4,2 at members 100, 200, 300; then b (5 bytes) at 400. */
  private static Toc chunkedToc() {
    return Toc.of(
        List.of(
            TocEntry.builder("dir/", TocEntryType.DIR).mode(0755).build(),
            reg("dir/a", 10, 100).chunkSize(4).build(),
            TocEntry.builder("dir/a", TocEntryType.CHUNK)
                .offset(200)
                .chunkOffset(4)
                .chunkSize(4)
                .chunkDigest(D)
                .build(),
            TocEntry.builder("dir/a", TocEntryType.CHUNK)
                .offset(300)
                .chunkOffset(8)
                .chunkSize(2)
                .chunkDigest(D)
                .build(),
            reg("dir/b", 5, 400).build()));
  }

  @Test
  void lookup_missingParents_synthesizesDirectories() throws Exception {
    TocIndex index = TocIndex.of(Toc.of(List.of(reg("./x/y/z", 3, 0).build())), 50, "test");
    assertEquals(1, index.root().inode());
    TocNode x = index.lookup("x").orElseThrow();
    assertTrue(x.isDirectory());
    assertEquals(0755, x.entry().mode());
    assertEquals("y", index.children(x).getFirst().name());
    assertEquals("z", index.lookup("/x/y/z/").orElseThrow().name());
    assertEquals(3, index.lookup("x/y/z").orElseThrow().linkCount() + 2);
    assertFalse(index.lookup("x/nope").isPresent());
    assertEquals(3, index.root().linkCount());
  }

  @Test
  void lookup_hardlink_resolvesToTargetInode() throws Exception {
    TocIndex index =
        TocIndex.of(
            Toc.of(
                List.of(
                    reg("f", 3, 0).build(),
                    TocEntry.builder("g", TocEntryType.HARDLINK).linkName("f").build())),
            10,
            "test");
    TocNode f = index.lookup("f").orElseThrow();
    TocNode g = index.lookup("g").orElseThrow();
    assertEquals(f.inode(), g.inode());
    assertEquals("g", g.name());
    assertEquals(TocEntryType.REG, g.entry().type());
    assertEquals(2, f.linkCount());
    assertEquals(2, g.linkCount());
    assertEquals(index.chunks(f), index.chunks(g));
  }

  @Test
  void node_inode_firstNameOfInodeElseEmpty() throws Exception {
    TocIndex index =
        TocIndex.of(
            Toc.of(
                List.of(
                    reg("d/f", 3, 0).build(),
                    TocEntry.builder("g", TocEntryType.HARDLINK).linkName("d/f").build())),
            10,
            "test");
    TocNode f = index.lookup("d/f").orElseThrow();
    assertEquals(f, index.node(f.inode()).orElseThrow());
    assertEquals("d", index.node(2).orElseThrow().path());
    assertEquals(index.root(), index.node(1).orElseThrow());
    assertFalse(index.node(0).isPresent());
    assertFalse(index.node(4).isPresent());
    assertEquals(List.of(), index.chunks(index.lookup("d").orElseThrow()));
  }

  @Test
  void chunks_membersSharedByChunks_endAtNextDistinctMember() throws Exception {
    // Two small files in one member at 100 (inner offsets 0 and 3), then a file at 200.
    Toc toc =
        Toc.of(
            List.of(
                reg("a", 3, 100).build(),
                reg("b", 2, 100).innerOffset(3).build(),
                reg("c", 1, 200).build()));
    TocIndex index = TocIndex.of(toc, 300, "test");
    assertEquals(200, index.chunks(index.lookup("a").orElseThrow()).getFirst().compressedEnd());
    assertEquals(200, index.chunks(index.lookup("b").orElseThrow()).getFirst().compressedEnd());
    assertEquals(300, index.chunks(index.lookup("c").orElseThrow()).getFirst().compressedEnd());
    assertEquals(List.of(100L, 200L), index.memberOffsets());
  }

  @Test
  void children_unsorted_sortedByName() throws Exception {
    TocIndex index =
        TocIndex.of(
            Toc.of(List.of(reg("c", 1, 0).build(), reg("a", 1, 1).build(), reg("b", 1, 2).build())),
            3,
            "test");
    assertEquals(
        List.of("a", "b", "c"), index.children(index.root()).stream().map(TocNode::name).toList());
  }

  @Test
  void chunks_chunkedFile_tilesFileWithMemberEnds() throws Exception {
    TocIndex index = TocIndex.of(chunkedToc(), 500, "test");
    List<TocChunk> chunks = index.chunks(index.lookup("dir/a").orElseThrow());
    assertEquals(3, chunks.size());
    assertEquals(new TocChunk(D, 4, 4, 200, 300, 0), chunks.get(1));
    assertEquals(400, chunks.get(2).compressedEnd());
    assertEquals(500, index.chunks(index.lookup("dir/b").orElseThrow()).getFirst().compressedEnd());
  }

  @ParameterizedTest
  @CsvSource({"0,0", "3,0", "4,1", "7,1", "8,2", "9,2"})
  void chunkIndexAt_offset_findsChunk(long offset, int expected) throws Exception {
    TocIndex index = TocIndex.of(chunkedToc(), 500, "test");
    assertEquals(expected, index.chunkIndexAt(index.lookup("dir/a").orElseThrow(), offset));
  }

  @ParameterizedTest
  @CsvSource({"-1", "10", "1000"})
  void chunkIndexAt_outside_throws(long offset) throws Exception {
    TocIndex index = TocIndex.of(chunkedToc(), 500, "test");
    TocNode a = index.lookup("dir/a").orElseThrow();
    assertThrows(IndexOutOfBoundsException.class, () -> index.chunkIndexAt(a, offset));
  }

  @ParameterizedTest
  @CsvSource({
    // offset, endOffset, expected compressedEnd (next member at 900, TOC at 1000)
    "100, 0, 900",
    "100, 150, 150",
    "900, 0, 1000",
  })
  void chunks_memberEnd_nextMemberOrEndOffsetOrToc(long offset, long endOffset, long end)
      throws Exception {
    Toc toc =
        Toc.of(
            List.of(
                reg("a", 1, offset).endOffset(endOffset).build(),
                reg("b", 1, offset == 900 ? 100 : 900).build()));
    TocIndex index = TocIndex.of(toc, 1000, "test");
    assertEquals(end, index.chunks(index.lookup("a").orElseThrow()).getFirst().compressedEnd());
  }

  @Test
  void chunks_innerOffset_carriedThrough() throws Exception {
    TocIndex index =
        TocIndex.of(
            Toc.of(List.of(reg("a", 2, 0).build(), reg("b", 2, 0).innerOffset(1024).build())),
            80,
            "test");
    TocChunk b = index.chunks(index.lookup("b").orElseThrow()).getFirst();
    assertEquals(1024, b.innerOffset());
    assertEquals(80, b.compressedEnd());
  }

  @Test
  void of_emptyFile_hasNoChunks() throws Exception {
    TocIndex index =
        TocIndex.of(Toc.of(List.of(TocEntry.builder("e", TocEntryType.REG).build())), 0, "t");
    assertTrue(index.chunks(index.lookup("e").orElseThrow()).isEmpty());
  }

  @ParameterizedTest
  @CsvSource({"../x", "a/../../b"})
  void of_dotDotPath_throws(String name) {
    Toc toc = Toc.of(List.of(reg(name, 1, 0).build()));
    TocFormatException e =
        assertThrows(TocFormatException.class, () -> TocIndex.of(toc, 10, "layer-x"));
    assertTrue(e.getMessage().contains("layer-x"), e.getMessage());
    assertTrue(e.getMessage().contains(name), e.getMessage());
  }

  @Test
  void of_duplicateFile_throws() {
    Toc toc = Toc.of(List.of(reg("a", 1, 0).build(), reg("a", 1, 5).build()));
    assertThrows(TocFormatException.class, () -> TocIndex.of(toc, 10, "t"));
  }

  @Test
  void of_danglingHardlink_throws() {
    Toc toc = Toc.of(List.of(TocEntry.builder("g", TocEntryType.HARDLINK).linkName("f").build()));
    assertThrows(TocFormatException.class, () -> TocIndex.of(toc, 10, "t"));
  }

  @Test
  void of_chunkGap_throws() {
    Toc toc =
        Toc.of(
            List.of(
                reg("a", 10, 0).chunkSize(4).build(),
                TocEntry.builder("a", TocEntryType.CHUNK)
                    .offset(5)
                    .chunkOffset(5)
                    .chunkDigest(D)
                    .build()));
    assertThrows(TocFormatException.class, () -> TocIndex.of(toc, 10, "t"));
  }

  @Test
  void of_fileUnderFile_throws() {
    Toc toc = Toc.of(List.of(reg("a", 1, 0).build(), reg("a/b", 1, 1).build()));
    assertThrows(TocFormatException.class, () -> TocIndex.of(toc, 10, "t"));
  }

  @Test
  void of_dirAfterSynthesized_keepsInodeTakesEntry() throws Exception {
    Toc toc =
        Toc.of(
            List.of(
                reg("d/f", 1, 0).build(),
                TocEntry.builder("d/", TocEntryType.DIR).mode(0700).uid(7).build()));
    TocIndex index = TocIndex.of(toc, 10, "t");
    TocNode d = index.lookup("d").orElseThrow();
    assertEquals(2, d.inode());
    assertEquals(7, d.entry().uid());
  }
}
