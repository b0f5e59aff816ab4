package dev.thaw.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.toc.TocIndex;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the FUSE path itself with a memory-backed {@link ChunkSource}: sequential read MB/s and
 * random 4 KiB read latency of pages not yet in the page cache. Prints the numbers; asserts only
 * loose floors so a loaded CI machine does not fail it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LayerMountThroughputIT {
  private static final int CHUNK = 4 << 20;
  private static final int CHUNKS = 64; // 256 MiB per file
  private static final int RANDOM_READS = 2000;

  @TempDir Path tmp;

  @Test
  void read_memoryBackedLayer_sequentialAndRandomThroughput() throws Exception {
    MemoryChunkSource source = new MemoryChunkSource();
    byte[] chunk = TestTocs.pattern(CHUNK, 11);
    TocIndex index =
        new TestTocs(source)
            .repeatedFile("seq", chunk, CHUNKS)
            .repeatedFile("rand", TestTocs.pattern(CHUNK, 12), CHUNKS)
            .build();
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    try (LayerMount m = LayerMount.mount(index, source, mnt, MountOptions.named("bench"))) {
      long size = (long) CHUNK * CHUNKS;
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      long start = System.nanoTime();
      long total = 0;
      try (FileChannel ch =
          FileChannel.open(m.mountpoint().resolve("seq"), StandardOpenOption.READ)) {
        for (int n = ch.read(buf); n >= 0; n = ch.read(buf)) {
          total += n;
          buf.clear();
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals(size, total);
      double mbPerSecond = total / 1e6 / seconds;

      long[] latencies = new long[RANDOM_READS];
      SplittableRandom random = new SplittableRandom(42);
      ByteBuffer page = ByteBuffer.allocateDirect(4096);
      try (FileChannel ch = FileChannel.open(mnt.resolve("rand"), StandardOpenOption.READ)) {
        for (int i = 0; i < RANDOM_READS; i++) {
          long offset = random.nextLong(size / 4096) * 4096;
          page.clear();
          long t0 = System.nanoTime();
          ch.read(page, offset);
          latencies[i] = System.nanoTime() - t0;
        }
      }
      Arrays.sort(latencies);
      long p50 = latencies[RANDOM_READS / 2] / 1000;
      long p99 = latencies[RANDOM_READS * 99 / 100] / 1000;
      System.out.printf(
          "fuse-mount throughput: sequential %.0f MB/s (%d MiB in %.2f s); random 4 KiB read p50"
              + " %d us, p99 %d us (%d reads)%n",
          mbPerSecond, total >> 20, seconds, p50, p99, RANDOM_READS);
      assertTrue(mbPerSecond > 50, "sequential " + mbPerSecond + " MB/s");
      assertTrue(p50 < 20_000, "random p50 " + p50 + " us");
    }
  }
}
