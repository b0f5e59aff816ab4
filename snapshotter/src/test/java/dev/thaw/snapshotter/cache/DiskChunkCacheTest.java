package dev.thaw.snapshotter.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Digest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskChunkCacheTest extends ChunkCacheContractTest {
  @TempDir Path dir;
  private int opened;

  @Override
  protected ChunkCache newCache(long capacityBytes) throws Exception {
    return DiskChunkCache.open(dir.resolve("cache" + opened++), capacityBytes);
  }

  @Test
  void open_afterRestart_servesStoredChunks() throws Exception {
    Path root = dir.resolve("restart");
    byte[] b = bytes(1, 4096);
    Digest d = Digest.sha256(b);
    try (DiskChunkCache first = DiskChunkCache.open(root, 1 << 20)) {
      first.put(d, b);
    }
    try (DiskChunkCache second = DiskChunkCache.open(root, 1 << 20)) {
      assertTrue(second.contains(d));
      assertEquals(4096, second.sizeBytes());
      assertArrayEquals(b, second.get(d).orElseThrow());
    }
  }

  @Test
  void open_leftoverTempFilesAndStrays_deletesThem() throws Exception {
    Path root = dir.resolve("crash");
    try (DiskChunkCache c = DiskChunkCache.open(root, 1 << 20)) {
      c.put(Digest.sha256(new byte[] {1}), new byte[] {1});
    }
    Path partial = Files.writeString(root.resolve("tmp/abc.part"), "half a chunk");
    Path stray = Files.writeString(root.resolve("chunks/sha256/not-a-digest"), "x");
    try (DiskChunkCache c = DiskChunkCache.open(root, 1 << 20)) {
      assertFalse(Files.exists(partial));
      assertFalse(Files.exists(stray));
      assertEquals(1, c.chunkCount());
    }
  }

  @Test
  void open_smallerCapacity_evictsOldestFirst() throws Exception {
    Path root = dir.resolve("shrink");
    byte[] old = bytes(2, 1000);
    byte[] recent = bytes(3, 1000);
    try (DiskChunkCache c = DiskChunkCache.open(root, 1 << 20)) {
      c.put(Digest.sha256(old), old);
      c.put(Digest.sha256(recent), recent);
      Files.setLastModifiedTime(
          c.pathOf(Digest.sha256(old)), FileTime.fromMillis(System.currentTimeMillis() - 600_000));
    }
    try (DiskChunkCache c = DiskChunkCache.open(root, 1500)) {
      assertFalse(c.contains(Digest.sha256(old)));
      assertTrue(c.contains(Digest.sha256(recent)));
      assertEquals(1000, c.sizeBytes());
    }
    assertEquals(1, countFiles(root.resolve("chunks")));
  }

  @Test
  void read_fileDeletedBehindCache_isAMiss() throws Exception {
    Path root = dir.resolve("deleted");
    byte[] b = bytes(4, 100);
    Digest d = Digest.sha256(b);
    try (DiskChunkCache c = DiskChunkCache.open(root, 1 << 20)) {
      c.put(d, b);
      Files.delete(c.pathOf(d));
      assertFalse(c.read(d, 0, ByteBuffer.allocate(100)));
      assertFalse(c.contains(d));
      c.put(d, b);
      assertTrue(c.read(d, 0, ByteBuffer.allocate(100)));
    }
  }

  @Test
  void put_evicted_deletesFilesAndStaysUnderBoundOnDisk() throws Exception {
    Path root = dir.resolve("bound");
    try (DiskChunkCache c = DiskChunkCache.open(root, 10_000)) {
      for (int i = 0; i < 50; i++) {
        byte[] b = bytes(100 + i, 1000);
        c.put(Digest.sha256(b), b);
      }
      assertEquals(10, countFiles(root.resolve("chunks")));
      assertEquals(0, countFiles(root.resolve("tmp")));
    }
  }

  private static long countFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }
}
