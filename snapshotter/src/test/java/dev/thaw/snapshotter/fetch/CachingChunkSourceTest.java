package dev.thaw.snapshotter.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.toc.TocChunk;
import dev.thaw.snapshotter.cache.ChunkCache;
import dev.thaw.snapshotter.cache.MemoryChunkCache;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CachingChunkSourceTest {
  private FetchScheduler scheduler;

  @AfterEach
  void close() {
    if (scheduler != null) {
      scheduler.close();
    }
  }

  private record Rig(
      GzipTestLayer layer,
      GzipTestLayer.FaultyBlob blob,
      FetchContext ctx,
      LayerHealth health,
      LayerFetcher fetcher,
      CachingChunkSource source) {}

  private Rig rig(GzipTestLayer layer, ChunkCache cache, FetchConfig config) {
    scheduler = new FetchScheduler(4, true, RateLimiter.unlimited());
    GzipTestLayer.FaultyBlob blob = new GzipTestLayer.FaultyBlob(layer.blob);
    FetchContext ctx =
        FetchContext.of(cache, scheduler, SnapshotterMetrics.inNewRegistry(), config);
    LayerHealth health = new LayerHealth();
    LayerFetcher fetcher = new LayerFetcher("sha256:test", blob, GzipTestLayer.CODEC, ctx, health);
    return new Rig(
        layer,
        blob,
        ctx,
        health,
        fetcher,
        new CachingChunkSource(LayerChunks.of(layer.chunks), fetcher));
  }

  private static FetchConfig noReadAhead() {
    return FetchConfig.defaults().withReadAheadBytes(0).withRetries(3, Duration.ofMillis(10));
  }

  private static byte[] readFile(CachingChunkSource source, GzipTestLayer layer, int step)
      throws IOException {
    ByteBuffer out = ByteBuffer.allocate(layer.file.length);
    for (TocChunk c : layer.chunks) {
      for (long off = 0; off < c.size(); off += step) {
        int n = (int) Math.min(step, c.size() - off);
        source.read(c, off, out.slice(out.position(), n));
        out.position(out.position() + n);
      }
    }
    return out.array();
  }

  @Test
  void read_wholeFile_isByteIdenticalAndCoalesced() throws Exception {
    Rig r =
        rig(new GzipTestLayer(1, 300_000, 10_000), new MemoryChunkCache(1 << 30), noReadAhead());
    assertArrayEquals(r.layer().file, readFile(r.source(), r.layer(), 4096));
    // 30 chunks of ~5-10 KB fit one 4 MiB on-demand run.
    assertEquals(1, r.blob().reads.get());
    assertEquals(30, r.ctx().cache().chunkCount());
    assertEquals(1, r.ctx().metrics().requests("on-demand"));
  }

  @Test
  void read_secondTime_isServedFromCache() throws Exception {
    Rig r = rig(new GzipTestLayer(2, 50_000, 10_000), new MemoryChunkCache(1 << 30), noReadAhead());
    readFile(r.source(), r.layer(), 10_000);
    int reads = r.blob().reads.get();
    assertArrayEquals(r.layer().file, readFile(r.source(), r.layer(), 777));
    assertEquals(reads, r.blob().reads.get());
    assertTrue(r.ctx().metrics().cacheHits() > 0);
  }

  @Test
  void read_concurrentReadersOfOneColdChunk_makeOneRequest() throws Exception {
    Rig r = rig(new GzipTestLayer(3, 40_000, 40_000), new MemoryChunkCache(1 << 30), noReadAhead());
    r.blob().delayMillis = 200;
    TocChunk chunk = r.layer().chunks.getFirst();
    int n = 16;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> readers = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      int off = i * 1000;
      readers.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  start.await();
                  ByteBuffer dst = ByteBuffer.allocate(1000);
                  r.source().read(chunk, off, dst);
                  byte[] expected = java.util.Arrays.copyOfRange(r.layer().file, off, off + 1000);
                  if (!java.util.Arrays.equals(expected, dst.array())) {
                    throw new AssertionError("wrong bytes at " + off);
                  }
                } catch (Throwable t) {
                  errors.add(t);
                }
              }));
    }
    start.countDown();
    for (Thread t : readers) {
      t.join();
    }
    assertEquals(List.of(), errors);
    assertEquals(1, r.blob().reads.get());
  }

  @Test
  void read_corruptedBlob_failsAndCachesNothingCorrupt() throws Exception {
    GzipTestLayer layer = new GzipTestLayer(4, 30_000, 10_000);
    TocChunk second = layer.chunks.get(1);
    // Flip a byte inside the second chunk's deflate data (after the 10-byte gzip header).
    layer.blob[(int) second.compressedOffset() + 20] ^= 0x55;
    Rig r = rig(layer, new MemoryChunkCache(1 << 30), noReadAhead());
    IOException e =
        assertThrows(IOException.class, () -> r.source().read(second, 0, ByteBuffer.allocate(10)));
    assertTrue(e.getMessage().contains(second.chunkDigest().shortForm()), e.getMessage());
    assertFalse(r.ctx().cache().contains(second.chunkDigest()));
    assertFalse(r.health().healthy());
    // The intact neighbour fetched in the same run is cached and readable.
    ByteBuffer first = ByteBuffer.allocate(10_000);
    r.source().read(layer.chunks.getFirst(), 0, first);
    assertArrayEquals(java.util.Arrays.copyOf(layer.file, 10_000), first.array());
  }

  @Test
  void read_transientFailures_retriesAndSucceeds() throws Exception {
    Rig r = rig(new GzipTestLayer(5, 20_000, 10_000), new MemoryChunkCache(1 << 30), noReadAhead());
    r.blob().failuresLeft.set(2);
    assertArrayEquals(r.layer().file, readFile(r.source(), r.layer(), 10_000));
    assertEquals(3, r.blob().reads.get());
    assertTrue(r.health().healthy());
  }

  @Test
  void read_registryDown_failsAfterBoundedRetriesThenRecovers() throws Exception {
    Rig r = rig(new GzipTestLayer(6, 20_000, 10_000), new MemoryChunkCache(1 << 30), noReadAhead());
    r.blob().down = true;
    TocChunk c = r.layer().chunks.getFirst();
    assertThrows(IOException.class, () -> r.source().read(c, 0, ByteBuffer.allocate(10)));
    assertEquals(3, r.blob().reads.get());
    assertFalse(r.health().healthy());
    r.blob().down = false;
    assertArrayEquals(r.layer().file, readFile(r.source(), r.layer(), 10_000));
    assertTrue(r.health().healthy());
  }

  @Test
  void read_sequentialReader_triggersParallelReadAhead() throws Exception {
    FetchConfig config =
        new FetchConfig(10_000, 1 << 20, 20_000, 1 << 20, 1 << 20, 0, 3, Duration.ofMillis(10));
    Rig r = rig(new GzipTestLayer(7, 400_000, 10_000), new MemoryChunkCache(1 << 30), config);
    r.source().read(r.layer().chunks.get(0), 0, ByteBuffer.allocate(10));
    r.source().read(r.layer().chunks.get(1), 0, ByteBuffer.allocate(10));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (r.ctx().cache().chunkCount() < 40 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(40, r.ctx().cache().chunkCount());
    assertTrue(r.blob().reads.get() >= 10, "runs of one or two chunks: " + r.blob().reads.get());
    int reads = r.blob().reads.get();
    assertArrayEquals(r.layer().file, readFile(r.source(), r.layer(), 4096));
    assertEquals(reads, r.blob().reads.get());
  }

  /** The layer's chunks regrouped as files of {@code chunksPerFile} chunks each, in blob order. */
  private static List<TocChunk> asFiles(GzipTestLayer layer, int chunksPerFile) {
    List<TocChunk> out = new ArrayList<>();
    long fileOffset = 0;
    for (int i = 0; i < layer.chunks.size(); i++) {
      TocChunk c = layer.chunks.get(i);
      if (i % chunksPerFile == 0) {
        fileOffset = 0;
      }
      out.add(
          new TocChunk(
              c.chunkDigest(),
              fileOffset,
              c.size(),
              c.compressedOffset(),
              c.compressedEnd(),
              c.innerOffset()));
      fileOffset += c.size();
    }
    return out;
  }

  private static void awaitIdle(Rig r) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int before = -1;
    while (System.nanoTime() < deadline) {
      Thread.sleep(100);
      int now = r.ctx().cache().chunkCount();
      if (now == before) {
        return;
      }
      before = now;
    }
  }

  @Test
  void read_neighbouringSmallFiles_noReadAhead() throws Exception {
    FetchConfig config =
        new FetchConfig(1, 1 << 20, 20_000, 1 << 20, 1 << 20, 0, 3, Duration.ofMillis(10));
    GzipTestLayer layer = new GzipTestLayer(11, 400_000, 10_000);
    Rig r = rig(layer, new MemoryChunkCache(1 << 30), config);
    List<TocChunk> files = asFiles(layer, 1);
    CachingChunkSource source = new CachingChunkSource(LayerChunks.of(files), r.fetcher());
    for (int i = 0; i < 5; i++) {
      source.read(files.get(i), 0, ByteBuffer.allocate(10));
    }
    awaitIdle(r);
    // Five files opened one after the other in blob order: five chunks, nothing ahead of them.
    assertEquals(5, r.ctx().cache().chunkCount());
    assertEquals(5, r.blob().reads.get());
  }

  @Test
  void read_oneFileAmongSmallNeighbours_fetchesThatFileOnly() throws Exception {
    GzipTestLayer layer = new GzipTestLayer(13, 400_000, 10_000);
    // On-demand runs of 40 KB: the two files (~30 KB each) lie more than a quarter run apart.
    FetchConfig config =
        new FetchConfig(40_000, 0, 20_000, 1 << 20, 1 << 20, 0, 3, Duration.ofMillis(10));
    Rig r = rig(layer, new MemoryChunkCache(1 << 30), config);
    List<TocChunk> files = asFiles(layer, 4);
    CachingChunkSource source = new CachingChunkSource(LayerChunks.of(files), r.fetcher());
    source.read(files.get(8), 0, ByteBuffer.allocate(10));
    source.read(files.get(20), 0, ByteBuffer.allocate(10));
    awaitIdle(r);
    // Two files of four chunks opened far apart: each costs one request for its own four chunks,
    // although a run could hold more.
    for (int i = 0; i < files.size(); i++) {
      boolean opened = (i >= 8 && i < 12) || (i >= 20 && i < 24);
      assertEquals(opened, r.ctx().cache().contains(files.get(i).chunkDigest()), "chunk " + i);
    }
    assertEquals(2, r.blob().reads.get());
    for (long[] range : r.blob().ranges) {
      long start = range[0];
      long end = range[0] + range[1];
      assertTrue(
          (start == files.get(8).compressedOffset() && end == files.get(11).compressedEnd())
              || (start == files.get(20).compressedOffset()
                  && end == files.get(23).compressedEnd()),
          "range " + start + "+" + range[1] + " is not exactly one opened file");
    }
  }

  @Test
  void read_missesAShortStepForward_coalescesTheNextFiles() throws Exception {
    GzipTestLayer layer = new GzipTestLayer(15, 400_000, 10_000);
    FetchConfig config =
        new FetchConfig(40_000, 0, 20_000, 1 << 20, 1 << 20, 0, 3, Duration.ofMillis(10));
    Rig r = rig(layer, new MemoryChunkCache(1 << 30), config);
    List<TocChunk> files = asFiles(layer, 1);
    CachingChunkSource source = new CachingChunkSource(LayerChunks.of(files), r.fetcher());
    source.read(files.get(0), 0, ByteBuffer.allocate(10));
    source.read(files.get(2), 0, ByteBuffer.allocate(10));
    source.read(files.get(4), 0, ByteBuffer.allocate(10));
    awaitIdle(r);
    // Files 2 and 4 each start one small file (< a quarter run) past the previous run's end: a
    // reader scanning the blob, one file in two. The first short step still fetches its file
    // only; the second takes the files after it, up to the 40 KB run size.
    assertEquals(3, r.blob().reads.get());
    assertFalse(r.ctx().cache().contains(files.get(1).chunkDigest()));
    assertFalse(r.ctx().cache().contains(files.get(3).chunkDigest()));
    assertTrue(r.ctx().cache().contains(files.get(5).chunkDigest()));
    assertEquals(files.get(2).compressedLength(), r.blob().ranges.get(1)[1]);
    long[] third = r.blob().ranges.get(2);
    assertEquals(files.get(4).compressedOffset(), third[0]);
    assertTrue(third[1] > files.get(4).compressedLength() && third[1] <= 40_000, "" + third[1]);
  }

  @Test
  void read_filesOpenedInBlobOrder_coalescesTheNextFiles() throws Exception {
    GzipTestLayer layer = new GzipTestLayer(14, 400_000, 10_000);
    Rig r = rig(layer, new MemoryChunkCache(1 << 30), noReadAhead());
    List<TocChunk> files = asFiles(layer, 1);
    CachingChunkSource source = new CachingChunkSource(LayerChunks.of(files), r.fetcher());
    source.read(files.get(0), 0, ByteBuffer.allocate(10));
    source.read(files.get(1), 0, ByteBuffer.allocate(10));
    awaitIdle(r);
    // The second file follows the first in the blob: a walk through files in blob order, so its
    // miss brings the files after it in the same request.
    assertEquals(2, r.blob().reads.get());
    for (int i = 0; i < files.size(); i++) {
      assertTrue(r.ctx().cache().contains(files.get(i).chunkDigest()), "chunk " + i + " cached");
    }
    for (int i = 2; i < files.size(); i++) {
      source.read(files.get(i), 0, ByteBuffer.allocate(10));
    }
    assertEquals(2, r.blob().reads.get());
  }

  @Test
  void read_sequentialReader_readAheadStopsAtTheEndOfItsFile() throws Exception {
    FetchConfig config =
        new FetchConfig(1, 1 << 20, 50_000, 1 << 20, 1 << 20, 0, 3, Duration.ofMillis(10));
    GzipTestLayer layer = new GzipTestLayer(12, 400_000, 10_000);
    Rig r = rig(layer, new MemoryChunkCache(1 << 30), config);
    List<TocChunk> files = asFiles(layer, 20);
    CachingChunkSource source = new CachingChunkSource(LayerChunks.of(files), r.fetcher());
    source.read(files.get(0), 0, ByteBuffer.allocate(10));
    source.read(files.get(1), 0, ByteBuffer.allocate(10));
    awaitIdle(r);
    // The first file (20 chunks) is read ahead in full; the second file is not touched.
    for (int i = 0; i < 40; i++) {
      assertEquals(
          i < 20, r.ctx().cache().contains(files.get(i).chunkDigest()), "chunk " + i + " cached");
    }
    for (long[] range : r.blob().ranges) {
      assertTrue(
          range[0] + range[1] <= files.get(19).compressedEnd(),
          "range " + range[0] + "+" + range[1] + " reaches into the second file");
    }
  }

  @Test
  void read_transferBreaksMidRange_servedChunksKeptAndOnlyTheRestRefetched() throws Exception {
    Rig r =
        rig(new GzipTestLayer(9, 300_000, 10_000), new MemoryChunkCache(1 << 30), noReadAhead());
    r.blob().streamFailuresLeft.set(1);
    r.blob().streamFailAfter = r.layer().blob.length / 2;
    assertArrayEquals(r.layer().file, readFile(r.source(), r.layer(), 4096));
    assertEquals(2, r.blob().reads.get());
    long brokeAt = r.blob().ranges.get(0)[0] + r.blob().streamFailAfter;
    long[] retry = r.blob().ranges.get(1);
    // The retry starts at the member the break hit: everything before it was served and cached.
    assertTrue(retry[0] > r.blob().ranges.get(0)[0] && retry[0] <= brokeAt, "retry at " + retry[0]);
    TocChunk broken =
        r.layer().chunks.stream().filter(c -> c.compressedOffset() == retry[0]).findFirst().get();
    assertTrue(broken.compressedEnd() > brokeAt, "member " + broken + " holds byte " + brokeAt);
    assertTrue(r.health().healthy());
  }

  @Test
  void read_sequentialReader_readAheadUsesFewLargeRuns() throws Exception {
    FetchConfig config =
        new FetchConfig(10_000, 150_000, 100_000, 1 << 20, 1 << 20, 0, 3, Duration.ofMillis(10));
    Rig r = rig(new GzipTestLayer(10, 400_000, 10_000), new MemoryChunkCache(1 << 30), config);
    assertArrayEquals(r.layer().file, readFile(r.source(), r.layer(), 4096));
    // ~400 KB of members in read-ahead runs of ~100 KB, not one request per 10 KB chunk.
    assertTrue(r.blob().reads.get() <= 10, "requests: " + r.blob().reads.get());
    for (long[] range : r.blob().ranges) {
      assertTrue(range[1] <= 100_000 + 20_000, "range of " + range[1] + " bytes");
    }
  }

  @Test
  void read_cacheSmallerThanData_readsCorrectAndCacheStaysBounded() throws Exception {
    Rig r = rig(new GzipTestLayer(8, 200_000, 10_000), new MemoryChunkCache(35_000), noReadAhead());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(r.layer().file, readFile(r.source(), r.layer(), 3000));
      assertTrue(r.ctx().cache().sizeBytes() <= 35_000);
    }
  }

  @Test
  void fetchLazily_wholeLayer_cachesEverythingInFewRequests() throws Exception {
    Rig r =
        rig(new GzipTestLayer(9, 100_000, 10_000), new MemoryChunkCache(1 << 30), noReadAhead());
    r.fetcher()
        .fetchLazily(LayerChunks.sorted(r.layer().chunks), 1 << 20, FetchPriority.PREFETCH)
        .get();
    assertEquals(10, r.ctx().cache().chunkCount());
    assertEquals(1, r.blob().reads.get());
    assertArrayEquals(r.layer().file, readFile(r.source(), r.layer(), 10_000));
    assertEquals(1, r.blob().reads.get());
  }

  @Test
  @Timeout(30)
  void fetchLazily_errorInOneRun_failsTheLaterRunsFlightsInsteadOfOrphaningThem() throws Exception {
    // No gap bridging: a cached chunk in the middle splits the planned run into two.
    FetchConfig config =
        new FetchConfig(1 << 20, 0, 1 << 20, 1 << 20, 1 << 20, 0, 1, Duration.ofMillis(10));
    Rig r = rig(new GzipTestLayer(9, 30_000, 10_000), new MemoryChunkCache(1 << 30), config);
    List<TocChunk> chunks = r.layer().chunks;
    TocChunk middle = chunks.get(1);
    r.ctx()
        .cache()
        .put(
            middle.chunkDigest(),
            java.util.Arrays.copyOfRange(
                r.layer().file, (int) middle.fileOffset(), (int) middle.fileEnd()));
    r.blob().errorsLeft.set(1);

    r.fetcher().fetchLazily(LayerChunks.sorted(chunks), 1 << 20, FetchPriority.PREFETCH).get();

    assertEquals(0, r.ctx().flights().size(), "no flight may be left waiting after the Error");
    assertArrayEquals(r.layer().file, readFile(r.source(), r.layer(), 10_000));
  }
}
