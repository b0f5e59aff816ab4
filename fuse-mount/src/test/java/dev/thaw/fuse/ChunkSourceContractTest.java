package dev.thaw.fuse;

import static dev.thaw.testimages.TestLayers.dir;
import static dev.thaw.testimages.TestLayers.file;
import static dev.thaw.testimages.TestLayers.hardlink;
import static dev.thaw.testimages.TestLayers.randomBytes;
import static dev.thaw.testimages.TestLayers.symlink;
import static dev.thaw.testimages.TestLayers.textFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.blob.FileBlobSource;
import dev.thaw.image.chunk.SeekableLayer;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocNode;
import dev.thaw.image.toc.TocPaths;
import dev.thaw.testimages.TestEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link ChunkSource} meets. An implementation's test extends this and says how
 * to build a source serving a given eStargz blob (a file here; push it to a registry, wrap it in a
 * cache, ...). The layer has files of one chunk, of several 4 KiB chunks, and a hardlink.
 *
 * <p>Fixtures are built in code; every test is bounded in time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ChunkSourceContractTest {
  /** The layer's entries: regular files of 0..N chunks of {@link EstargzFixtures#CHUNK_SIZE}. */
  protected static List<TestEntry> entries() {
    return List.of(
        dir("etc"),
        file("etc/hosts", "127.0.0.1 localhost\n"),
        file("etc/empty", new byte[0]),
        file("data/exact", randomBytes(4096, 3)),
        file("data/random", randomBytes(10_000, 1)),
        textFile("data/text", 20_000, 2),
        symlink("data/link", "random"),
        hardlink("data/random2", "data/random"));
  }

  /**
   * Builds the source under test, serving chunks of the eStargz blob at {@code blob}. The blob may
   * be corrupt (a flipped byte inside a file's member); {@code layer} is opened on it already (the
   * TOC is intact).
   */
  protected abstract ChunkSource createSource(Path blob, SeekableLayer layer) throws Exception;

  @TempDir protected Path tmp;

  private SeekableLayer layer;
  private ChunkSource source;

  /** The expected bytes of every chunk, in TOC order. */
  private final Map<TocChunk, byte[]> expected = new LinkedHashMap<>();

  @BeforeEach
  void createLayerAndSource() throws Exception {
    Path blob = tmp.resolve("layer.estargz");
    layer = EstargzFixtures.layer(entries(), blob);
    Map<String, byte[]> contents = new HashMap<>();
    for (TestEntry e : entries()) {
      if (e.kind() == TestEntry.Kind.FILE) {
        contents.put(TocPaths.normalize(e.name()).orElseThrow(), e.bytes());
      }
    }
    for (TocNode node : layer.tocIndex().nodes()) {
      byte[] content = contents.get(TocPaths.normalize(node.entry().name()).orElseThrow());
      if (content == null) {
        continue; // not from the tar: the writer's prefetch landmark
      }
      for (TocChunk chunk : layer.tocIndex().chunks(node)) {
        expected.put(
            chunk, Arrays.copyOfRange(content, (int) chunk.fileOffset(), (int) chunk.fileEnd()));
      }
    }
    assertTrue(expected.size() >= 8, "fixture has multi-chunk files: " + expected.size());
    source = createSource(blob, layer);
  }

  @Test
  void read_everyWholeChunk_returnsExactBytes() throws Exception {
    for (Map.Entry<TocChunk, byte[]> e : expected.entrySet()) {
      ByteBuffer dst = ByteBuffer.allocate((int) e.getKey().size());
      source.read(e.getKey(), 0, dst);
      assertFalse(dst.hasRemaining());
      assertArrayEquals(e.getValue(), dst.array(), e.getKey().toString());
    }
  }

  @Test
  void read_offsetInsideChunk_returnsThatRange() throws Exception {
    for (Map.Entry<TocChunk, byte[]> e : expected.entrySet()) {
      int size = (int) e.getKey().size();
      if (size < 3) {
        continue;
      }
      int from = size / 3;
      int length = size / 2;
      ByteBuffer dst = ByteBuffer.allocate(length);
      source.read(e.getKey(), from, dst);
      assertArrayEquals(Arrays.copyOfRange(e.getValue(), from, from + length), dst.array());
    }
  }

  @Test
  void read_directBufferWithPositionAndLimit_fillsOnlyThatWindow() throws Exception {
    TocChunk chunk = largestChunk();
    ByteBuffer dst = ByteBuffer.allocateDirect(100);
    for (int i = 0; i < 100; i++) {
      dst.put(i, (byte) 0x5a);
    }
    dst.position(10).limit(60);
    source.read(chunk, 7, dst);
    assertEquals(60, dst.position());
    assertEquals(60, dst.limit());
    dst.clear();
    for (int i = 0; i < 100; i++) {
      byte want = i >= 10 && i < 60 ? expected.get(chunk)[7 + i - 10] : (byte) 0x5a;
      assertEquals(want, dst.get(i), "byte " + i);
    }
  }

  @Test
  void read_zeroLength_returnsWithoutTouchingBuffer() throws Exception {
    ByteBuffer dst = ByteBuffer.allocate(0);
    source.read(largestChunk(), 0, dst);
    assertEquals(0, dst.position());
  }

  @Test
  void read_rangeBeyondChunk_throwsIllegalArgument() {
    TocChunk chunk = largestChunk();
    assertThrows(
        IllegalArgumentException.class,
        () -> source.read(chunk, 1, ByteBuffer.allocate((int) chunk.size())));
    assertThrows(
        IllegalArgumentException.class, () -> source.read(chunk, -1, ByteBuffer.allocate(1)));
  }

  @Test
  void read_concurrentReadersOfAllChunks_allGetExactBytes() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(
            pool.submit(() -> {
              for (Map.Entry<TocChunk, byte[]> e : expected.entrySet()) {
                ByteBuffer dst = ByteBuffer.allocate((int) e.getKey().size());
                source.read(e.getKey(), 0, dst);
                assertArrayEquals(e.getValue(), dst.array());
              }
              return null;
            }));
      }
      for (Future<?> f : results) {
        f.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void read_corruptedMember_throwsIOExceptionNamingTheChunk() throws Exception {
    TocChunk chunk = largestChunk();
    Path corrupt = tmp.resolve("corrupt.estargz");
    byte[] bytes = Files.readAllBytes(tmp.resolve("layer.estargz"));
    // Past the gzip header, inside the deflate data of the member.
    int at = (int) (chunk.compressedOffset() + (chunk.compressedLength() / 2));
    bytes[at] ^= 0x55;
    Files.write(corrupt, bytes);
    SeekableLayer corruptLayer = SeekableLayer.open(new FileBlobSource(corrupt), Optional.empty());
    ChunkSource corruptSource = createSource(corrupt, corruptLayer);
    IOException e =
        assertThrows(
            IOException.class,
            () -> corruptSource.read(chunk, 0, ByteBuffer.allocate((int) chunk.size())));
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a message: " + e);
  }

  private TocChunk largestChunk() {
    TocChunk best = null;
    for (TocChunk c : expected.keySet()) {
      if (best == null || c.size() > best.size()) {
        best = c;
      }
    }
    return best;
  }

  /** The layer the source serves. */
  protected SeekableLayer layer() {
    return layer;
  }
}
