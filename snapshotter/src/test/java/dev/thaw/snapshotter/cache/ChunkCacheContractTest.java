package dev.thaw.snapshotter.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Digest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link ChunkCache} contract; every implementation's test extends this. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class ChunkCacheContractTest {
  private final List<ChunkCache> opened = new ArrayList<>();

  /** A fresh, empty cache of the implementation under test. */
  protected abstract ChunkCache newCache(long capacityBytes) throws Exception;

  protected ChunkCache cache(long capacityBytes) throws Exception {
    ChunkCache c = newCache(capacityBytes);
    opened.add(c);
    return c;
  }

  @AfterEach
  void closeCaches() throws Exception {
    for (ChunkCache c : opened) {
      c.close();
    }
  }

  static byte[] bytes(int seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void get_afterPut_returnsBytes() throws Exception {
    ChunkCache c = cache(1 << 20);
    byte[] b = bytes(1, 1000);
    Digest d = Digest.sha256(b);
    c.put(d, b);
    assertArrayEquals(b, c.get(d).orElseThrow());
    assertTrue(c.contains(d));
    assertEquals(1000, c.sizeBytes());
    assertEquals(1, c.chunkCount());
  }

  @Test
  void read_withOffset_copiesTheRangeAndAdvancesBuffer() throws Exception {
    ChunkCache c = cache(1 << 20);
    byte[] b = bytes(2, 1000);
    Digest d = Digest.sha256(b);
    c.put(d, b);
    ByteBuffer dst = ByteBuffer.allocate(300);
    dst.position(10);
    assertTrue(c.read(d, 900, dst));
    assertEquals(110, dst.position());
    byte[] expected = new byte[100];
    System.arraycopy(b, 900, expected, 0, 100);
    byte[] got = new byte[100];
    dst.flip().position(10);
    dst.get(got);
    assertArrayEquals(expected, got);
  }

  @Test
  void read_directBuffer_copiesBytes() throws Exception {
    ChunkCache c = cache(1 << 20);
    byte[] b = bytes(3, 5000);
    Digest d = Digest.sha256(b);
    c.put(d, b);
    ByteBuffer dst = ByteBuffer.allocateDirect(5000);
    assertTrue(c.read(d, 0, dst));
    byte[] got = new byte[5000];
    dst.flip().get(got);
    assertArrayEquals(b, got);
  }

  @Test
  void read_offsetPastEnd_throws() throws Exception {
    ChunkCache c = cache(1 << 20);
    byte[] b = bytes(4, 10);
    Digest d = Digest.sha256(b);
    c.put(d, b);
    assertThrows(IllegalArgumentException.class, () -> c.read(d, 11, ByteBuffer.allocate(1)));
  }

  @Test
  void read_miss_returnsFalseAndLeavesBuffer() throws Exception {
    ChunkCache c = cache(1 << 20);
    ByteBuffer dst = ByteBuffer.allocate(10);
    assertFalse(c.read(Digest.sha256(new byte[] {1}), 0, dst));
    assertEquals(0, dst.position());
    assertTrue(c.get(Digest.sha256(new byte[] {1})).isEmpty());
  }

  @Test
  void put_twice_countsOnce() throws Exception {
    ChunkCache c = cache(1 << 20);
    byte[] b = bytes(5, 100);
    Digest d = Digest.sha256(b);
    c.put(d, b);
    c.put(d, b.clone());
    assertEquals(100, c.sizeBytes());
    assertEquals(1, c.chunkCount());
  }

  @Test
  void put_overCapacity_evictsLeastRecentlyUsed() throws Exception {
    ChunkCache c = cache(300);
    byte[] a = bytes(10, 100);
    byte[] b = bytes(11, 100);
    byte[] x = bytes(12, 100);
    byte[] y = bytes(13, 100);
    c.put(Digest.sha256(a), a);
    c.put(Digest.sha256(b), b);
    c.put(Digest.sha256(x), x);
    assertTrue(c.get(Digest.sha256(a)).isPresent()); // a is now more recent than b
    c.put(Digest.sha256(y), y);
    assertFalse(c.contains(Digest.sha256(b)));
    assertTrue(c.contains(Digest.sha256(a)));
    assertTrue(c.contains(Digest.sha256(x)));
    assertTrue(c.contains(Digest.sha256(y)));
    assertEquals(300, c.sizeBytes());
  }

  @Test
  void put_largerThanCapacity_isNotStored() throws Exception {
    ChunkCache c = cache(100);
    byte[] b = bytes(20, 101);
    c.put(Digest.sha256(b), b);
    assertFalse(c.contains(Digest.sha256(b)));
    assertEquals(0, c.sizeBytes());
  }

  @Test
  void put_manyChunks_neverExceedsCapacity() throws Exception {
    ChunkCache c = cache(10_000);
    for (int i = 0; i < 200; i++) {
      byte[] b = bytes(100 + i, 300 + i);
      c.put(Digest.sha256(b), b);
      assertTrue(c.sizeBytes() <= 10_000, "size " + c.sizeBytes());
      assertArrayEquals(b, c.get(Digest.sha256(b)).orElseThrow());
    }
  }

  @Test
  void put_concurrentIdenticalWriters_allSucceedAndStoreOnce() throws Exception {
    ChunkCache c = cache(1 << 20);
    byte[] b = bytes(30, 64 * 1024);
    Digest d = Digest.sha256(b);
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        Callable<Boolean> writeThenRead =
            () -> {
              c.put(d, b.clone());
              return java.util.Arrays.equals(b, c.get(d).orElseThrow());
            };
        results.add(pool.submit(writeThenRead));
      }
      for (Future<Boolean> f : results) {
        assertTrue(f.get());
      }
    }
    assertEquals(1, c.chunkCount());
    assertEquals(b.length, c.sizeBytes());
  }

  @Test
  void readAndPut_concurrentWithEviction_neverServeWrongBytes() throws Exception {
    ChunkCache c = cache(20_000);
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      chunks.add(bytes(200 + i, 1000));
    }
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        results.add(
            pool.submit(() -> {
              Random r = new Random(seed);
              for (int i = 0; i < 500; i++) {
                byte[] b = chunks.get(r.nextInt(chunks.size()));
                Digest d = Digest.sha256(b);
                c.put(d, b);
                var got = c.get(d);
                if (got.isPresent() && !java.util.Arrays.equals(b, got.get())) {
                  throw new AssertionError("wrong bytes for " + d);
                }
              }
              return null;
            }));
      }
      for (Future<?> f : results) {
        f.get();
      }
    }
    assertTrue(c.sizeBytes() <= 20_000);
  }
}
