package dev.thaw.image.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStream;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.tar.EntryOrder;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import dev.thaw.image.toc.TocFormatException;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocNode;
import dev.thaw.image.toc.TocPaths;
import dev.thaw.testimages.TestEntry;
import dev.thaw.testimages.TestLayers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeekableLayerRoundTripTest {

  @ParameterizedTest
  @EnumSource(LayerFormat.class)
  void open_convertedLayer_everyEntryIdenticalToSource(LayerFormat format) throws Exception {
    List<TestEntry> source = LayerFixtures.everything();
    LayerFixtures.Converted c =
        LayerFixtures.convert(format, TestLayers.tar(source), LayerFixtures.options(format));
    SeekableLayer layer =
        SeekableLayer.open(
            new BytesBlobSource(c.blob(), "test-layer"), Optional.of(c.layer().tocDigest()));
    assertEquals(format, layer.format());
    assertEquals(c.layer().blobDigest(), Digest.sha256(c.blob()));
    assertEquals(c.blob().length, c.layer().blobSize());
    TocIndex index = layer.tocIndex();
    for (TestEntry e : source) {
      String path = TocPaths.normalize(e.name()).orElseThrow();
      TocNode node = index.lookup(path).orElseThrow(() -> new AssertionError(path));
      if (e.kind() == TestEntry.Kind.HARDLINK) {
        TocNode target = index.lookup(e.linkName()).orElseThrow();
        assertEquals(target.inode(), node.inode(), path);
        assertEquals(2, node.linkCount(), path);
        continue;
      }
      TocEntry t = node.entry();
      assertEquals(expectedType(e.kind()), t.type(), path);
      assertEquals(e.mode(), t.mode(), path);
      assertEquals(e.uid(), t.uid(), path);
      assertEquals(e.gid(), t.gid(), path);
      assertEquals(e.userName(), t.userName(), path);
      assertEquals(e.groupName(), t.groupName(), path);
      assertEquals(e.modTime(), t.modTime(), path);
      assertEquals(e.devMajor(), t.devMajor(), path);
      assertEquals(e.devMinor(), t.devMinor(), path);
      if (e.kind() == TestEntry.Kind.SYMLINK) {
        assertEquals(e.linkName(), t.linkName(), path);
      }
      for (Map.Entry<String, String> x : e.xattrs().entrySet()) {
        assertArrayEquals(x.getValue().getBytes(StandardCharsets.UTF_8), t.xattr(x.getKey()));
      }
      assertEquals(e.xattrs().size(), t.xattrs().size(), path);
      if (e.kind() == TestEntry.Kind.FILE) {
        byte[] want = e.bytes();
        assertEquals(want.length, t.size(), path);
        assertArrayEquals(want, readFile(layer, node), path);
        if (want.length > 0) {
          assertEquals(Digest.sha256(want), t.digest(), path);
        }
      }
    }
    assertTrue(index.lookup(EntryOrder.NO_PREFETCH_LANDMARK).isPresent());
    assertEquals(c.layer().diffId(), Digest.sha256(decompress(format, c.blob())));
    assertEquals(c.layer().uncompressedSize(), decompress(format, c.blob()).length);
  }

  @ParameterizedTest
  @EnumSource(LayerFormat.class)
  void convert_blob_decompressesToValidTarOfSameEntries(LayerFormat format) throws Exception {
    List<TestEntry> source = LayerFixtures.everything();
    LayerFixtures.Converted c =
        LayerFixtures.convert(format, TestLayers.tar(source), LayerFixtures.options(format));
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(decompress(format, c.blob())))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        names.add(TocPaths.normalize(e.getName()).orElseThrow());
        if (e.getName().equals("big/random")) {
          assertArrayEquals(TestLayers.randomBytes(10_000, 1), tar.readAllBytes());
        }
      }
    }
    List<String> expected = new ArrayList<>();
    expected.add(EntryOrder.NO_PREFETCH_LANDMARK);
    source.forEach(e -> expected.add(TocPaths.normalize(e.name()).orElseThrow()));
    if (format == LayerFormat.ESTARGZ) {
      expected.add("stargz.index.json");
    }
    assertEquals(expected, names);
  }

  @ParameterizedTest
  @EnumSource(LayerFormat.class)
  void convert_prefetchList_hotEntriesFirstThenLandmark(LayerFormat format) throws Exception {
    LayerFixtures.Converted c =
        LayerFixtures.convert(
            format,
            TestLayers.tar(LayerFixtures.everything()),
            LayerFixtures.options(format).withPrefetch(List.of("big/te*", "etc/hard")));
    SeekableLayer layer = SeekableLayer.open(new BytesBlobSource(c.blob(), "l"), Optional.empty());
    List<String> order =
        layer.toc().entries().stream()
            .filter(e -> e.type() != TocEntryType.CHUNK)
            .map(TocEntry::name)
            .limit(5)
            .toList();
    assertEquals(
        List.of("big/text", "etc/", "etc/hosts", "etc/hard", EntryOrder.PREFETCH_LANDMARK), order);
  }

  @ParameterizedTest
  @EnumSource(LayerFormat.class)
  void open_wrongTocDigest_throwsTocFormatException(LayerFormat format) throws Exception {
    LayerFixtures.Converted c =
        LayerFixtures.convert(
            format, TestLayers.tar(TestLayers.file("a", "b")), LayerFixtures.options(format));
    Digest other = Digest.sha256(new byte[] {9});
    TocFormatException e =
        assertThrows(
            TocFormatException.class,
            () -> SeekableLayer.open(new BytesBlobSource(c.blob(), "layer-z"), Optional.of(other)));
    assertTrue(e.getMessage().contains("layer-z"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(LayerFormat.class)
  void readChunk_corruptedPayload_throwsCheckedException(LayerFormat format) throws Exception {
    LayerFixtures.Converted c =
        LayerFixtures.convert(
            format,
            TestLayers.tar(TestLayers.file("f", TestLayers.randomBytes(3000, 5))),
            LayerFixtures.options(format));
    SeekableLayer clean = SeekableLayer.open(new BytesBlobSource(c.blob(), "l"), Optional.empty());
    TocChunk chunk = clean.tocIndex().chunks(clean.tocIndex().lookup("f").orElseThrow()).get(0);
    byte[] bad = c.blob().clone();
    bad[(int) (chunk.compressedOffset() + chunk.compressedLength() / 2)] ^= 0x5a;
    SeekableLayer layer = SeekableLayer.open(new BytesBlobSource(bad, "l"), Optional.empty());
    Exception e = assertThrows(Exception.class, () -> layer.readChunk(chunk));
    assertTrue(
        e instanceof ChunkFormatException || e instanceof ChunkDigestMismatchException,
        e.toString());
    assertNotEquals(null, e.getMessage());
  }

  static byte[] readFile(SeekableLayer layer, TocNode node) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (TocChunk chunk : layer.tocIndex().chunks(node)) {
      out.write(layer.readChunk(chunk));
    }
    return out.toByteArray();
  }

  static byte[] decompress(LayerFormat format, byte[] blob) throws Exception {
    try (InputStream in =
        format == LayerFormat.ESTARGZ
            ? new GZIPInputStream(new ByteArrayInputStream(blob))
            : new ZstdInputStream(new ByteArrayInputStream(blob))) {
      return in.readAllBytes();
    }
  }

  private static TocEntryType expectedType(TestEntry.Kind kind) {
    return switch (kind) {
      case DIR -> TocEntryType.DIR;
      case FILE -> TocEntryType.REG;
      case SYMLINK -> TocEntryType.SYMLINK;
      case HARDLINK -> TocEntryType.HARDLINK;
      case CHAR -> TocEntryType.CHAR;
      case BLOCK -> TocEntryType.BLOCK;
      case FIFO -> TocEntryType.FIFO;
    };
  }

  @SuppressWarnings("unused")
  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
