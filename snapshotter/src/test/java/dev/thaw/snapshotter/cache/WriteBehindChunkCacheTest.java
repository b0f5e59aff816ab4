package dev.thaw.snapshotter.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract over a disk cache with writes on the caller's thread (so sizes are exact right after
 * a put), plus the write-behind behaviour with a real writer thread.
 */
class WriteBehindChunkCacheTest extends ChunkCacheContractTest {
  @TempDir Path dir;
  private int opened;

  @Override
  protected ChunkCache newCache(long capacityBytes) throws Exception {
    // No memory tier: the contract's eviction and size checks then see the backing cache alone.
    return new WriteBehindChunkCache(
        DiskChunkCache.open(dir.resolve("cache" + opened++), capacityBytes),
        0,
        1 << 20,
        new DirectExecutorService());
  }

  /** A disk cache whose puts wait until {@link #release} opens the gate. */
  private static final class GatedCache implements ChunkCache {
    final MemoryChunkCache inner = new MemoryChunkCache(1 << 30);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    volatile boolean failPuts;

    @Override
    public boolean read(Digest digest, long offset, ByteBuffer dst) {
      return inner.read(digest, offset, dst);
    }

    @Override
    public java.util.Optional<byte[]> get(Digest digest) {
      return inner.get(digest);
    }

    @Override
    public boolean contains(Digest digest) {
      return inner.contains(digest);
    }

    @Override
    public void put(Digest digest, byte[] bytes) throws IOException {
      entered.countDown();
      if (failPuts) {
        throw new IOException("disk full");
      }
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
      inner.put(digest, bytes);
    }

    @Override
    public long sizeBytes() {
      return inner.sizeBytes();
    }

    @Override
    public int chunkCount() {
      return inner.chunkCount();
    }

    @Override
    public long capacityBytes() {
      return inner.capacityBytes();
    }
  }

  @Test
  void put_backingWriteBlocked_returnsAndServesFromMemory() throws Exception {
    GatedCache disk = new GatedCache();
    WriteBehindChunkCache c = new WriteBehindChunkCache(disk, 0, 1 << 20);
    byte[] b = bytes(1, 5000);
    Digest d = Digest.sha256(b);
    c.put(d, b);
    assertTrue(disk.entered.await(10, TimeUnit.SECONDS));
    assertTrue(c.contains(d));
    assertFalse(disk.contains(d));
    ByteBuffer dst = ByteBuffer.allocate(100);
    assertTrue(c.read(d, 4900, dst));
    assertArrayEquals(java.util.Arrays.copyOfRange(b, 4900, 5000), dst.array());
    assertEquals(5000, c.pendingBytes());
    disk.release.countDown();
    c.close();
    assertTrue(disk.contains(d));
    assertEquals(0, c.pendingBytes());
  }

  @Test
  void put_pendingBoundReached_waitsForTheWriter() throws Exception {
    GatedCache disk = new GatedCache();
    WriteBehindChunkCache c = new WriteBehindChunkCache(disk, 0, 6000);
    byte[] first = bytes(2, 4000);
    byte[] second = bytes(3, 4000);
    c.put(Digest.sha256(first), first);
    try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
      Future<?> blocked =
          pool.submit(() -> {
            c.put(Digest.sha256(second), second);
            return null;
          });
      Thread.sleep(200);
      assertFalse(blocked.isDone(), "second put should wait while 4000 of 6000 bytes pend");
      disk.release.countDown();
      blocked.get(10, TimeUnit.SECONDS);
    }
    c.close();
    assertTrue(disk.contains(Digest.sha256(first)));
    assertTrue(disk.contains(Digest.sha256(second)));
  }

  @Test
  void read_afterWrite_servedFromRecentTierOrDisk() throws Exception {
    DiskChunkCache disk = DiskChunkCache.open(dir.resolve("tiers"), 1 << 20);
    WriteBehindChunkCache c = new WriteBehindChunkCache(disk, 3000, 1 << 20);
    byte[] a = bytes(4, 2000);
    byte[] b = bytes(5, 2000);
    c.put(Digest.sha256(a), a);
    c.put(Digest.sha256(b), b); // evicts a from the 3000-byte recent tier
    c.close(); // all written
    WriteBehindChunkCache reopened =
        new WriteBehindChunkCache(DiskChunkCache.open(dir.resolve("tiers"), 1 << 20), 3000, 1000);
    assertArrayEquals(a, reopened.get(Digest.sha256(a)).orElseThrow());
    assertArrayEquals(b, reopened.get(Digest.sha256(b)).orElseThrow());
    assertEquals(4000, reopened.sizeBytes());
    reopened.close();
  }

  @Test
  void read_largeReadAtChunkStart_bringsTheWholeChunkIntoMemory() throws Exception {
    Path root = dir.resolve("promote");
    byte[] seq = bytes(7, 200_000);
    byte[] random = bytes(8, 200_000);
    try (DiskChunkCache disk = DiskChunkCache.open(root, 1 << 20)) {
      disk.put(Digest.sha256(seq), seq);
      disk.put(Digest.sha256(random), random);
    }
    DiskChunkCache disk = DiskChunkCache.open(root, 1 << 20);
    WriteBehindChunkCache c = new WriteBehindChunkCache(disk, 1 << 20, 1 << 20);
    ByteBuffer large = ByteBuffer.allocate(WriteBehindChunkCache.PROMOTE_READ_BYTES);
    assertTrue(c.read(Digest.sha256(seq), 0, large));
    assertTrue(c.read(Digest.sha256(random), 0, ByteBuffer.allocate(4096)));
    java.nio.file.Files.delete(disk.pathOf(Digest.sha256(seq)));
    java.nio.file.Files.delete(disk.pathOf(Digest.sha256(random)));
    // The sequentially entered chunk is served from memory now; the randomly read one is not.
    ByteBuffer next = ByteBuffer.allocate(1000);
    assertTrue(c.read(Digest.sha256(seq), 150_000, next));
    assertArrayEquals(java.util.Arrays.copyOfRange(seq, 150_000, 151_000), next.array());
    assertFalse(c.read(Digest.sha256(random), 150_000, ByteBuffer.allocate(1000)));
    c.close();
  }

  @Test
  void put_backingWriteFails_chunkStaysInRecentTier() throws Exception {
    GatedCache failing = new GatedCache();
    failing.failPuts = true;
    WriteBehindChunkCache c = new WriteBehindChunkCache(failing, 1 << 20, 1 << 20);
    byte[] b = bytes(6, 1000);
    c.put(Digest.sha256(b), b);
    c.close();
    assertEquals(0, c.pendingBytes());
    assertFalse(failing.contains(Digest.sha256(b)));
    assertArrayEquals(b, c.get(Digest.sha256(b)).orElseThrow());
  }

  /** Runs each write on the caller's thread. */
  private static final class DirectExecutorService
      extends java.util.concurrent.AbstractExecutorService {
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable command) {
      if (shutdown) {
        throw new java.util.concurrent.RejectedExecutionException("shut down");
      }
      command.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public java.util.List<Runnable> shutdownNow() {
      shutdown = true;
      return java.util.List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
