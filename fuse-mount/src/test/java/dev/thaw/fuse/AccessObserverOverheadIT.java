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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an {@link AccessObserver} costs on the FUSE path: the same memory-backed layer mounted
 * twice, once without and once with an observer, measured side by side (interleaved passes, so
 * machine noise hits both): open + read of many small files (every open is a first open) and random
 * 4 KiB reads of a large file. Prints the numbers; asserts only a loose bound so a loaded CI
 * machine does not fail it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AccessObserverOverheadIT {
  private static final int FILES = 2000;
  private static final int CHUNK = 4 << 20;
  private static final int CHUNKS = 16;
  private static final int RANDOM_READS = 2000;
  private static final int PASSES = 5;

  @TempDir Path tmp;

  @Test
  void observer_smallFilesAndRandomReads_costsLittle() throws Exception {
    ConcurrentLinkedQueue<AccessedFile> seen = new ConcurrentLinkedQueue<>();
    long[][] openNanos = new long[2][PASSES];
    long[][] readP50 = new long[2][PASSES];
    for (int pass = 0; pass < PASSES; pass++) {
      for (int k = 0; k < 2; k++) {
        // alternate which goes first, so warm-up and drift do not favour one
        int observed = (pass + k) % 2;
        // a fresh mount per pass: every open is a first open, every page a cold one
        MemoryChunkSource source = new MemoryChunkSource();
        TestTocs toc = new TestTocs(source).dir("d/", 0755);
        for (int i = 0; i < FILES; i++) {
          toc.file("d/f" + i, 0644, TestTocs.pattern(1024, i));
        }
        TocIndex index = toc.repeatedFile("big", TestTocs.pattern(CHUNK, 7), CHUNKS).build();
        Path mnt = Files.createDirectory(tmp.resolve("mnt-" + pass + "-" + observed));
        AccessObserver observer = observed == 1 ? seen::add : AccessObserver.NONE;
        try (LayerMount m =
            LayerMount.mount(index, source, mnt, MountOptions.named("overhead"), observer)) {
          long t0 = System.nanoTime();
          for (int i = 0; i < FILES; i++) {
            assertEquals(1024, Files.readAllBytes(m.mountpoint().resolve("d/f" + i)).length);
          }
          openNanos[observed][pass] = System.nanoTime() - t0;
          readP50[observed][pass] = randomReadP50(m.mountpoint().resolve("big"));
        }
      }
    }
    assertEquals((long) PASSES * (FILES + 1), seen.size());
    // pass 0 warms the JIT up for both and is left out
    openNanos[0] = Arrays.copyOfRange(openNanos[0], 1, PASSES);
    openNanos[1] = Arrays.copyOfRange(openNanos[1], 1, PASSES);
    readP50[0] = Arrays.copyOfRange(readP50[0], 1, PASSES);
    readP50[1] = Arrays.copyOfRange(readP50[1], 1, PASSES);
    long plainOpen = median(openNanos[0]);
    long observedOpen = median(openNanos[1]);
    System.out.printf(
        "access observer overhead: open+read of %d small files %.1f us/file without, %.1f us/file"
            + " with (x%.2f); random 4 KiB read p50 %d us without, %d us with (median of %d"
            + " interleaved passes after a warm-up)%n",
        FILES,
        plainOpen / 1e3 / FILES,
        observedOpen / 1e3 / FILES,
        (double) observedOpen / plainOpen,
        median(readP50[0]) / 1000,
        median(readP50[1]) / 1000,
        PASSES - 1);
    assertTrue(
        observedOpen < plainOpen * 3, "observed opens " + observedOpen + " ns vs " + plainOpen);
  }

  private static long randomReadP50(Path file) throws Exception {
    long size = (long) CHUNK * CHUNKS;
    long[] latencies = new long[RANDOM_READS];
    SplittableRandom random = new SplittableRandom(42);
    ByteBuffer page = ByteBuffer.allocateDirect(4096);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int i = 0; i < RANDOM_READS; i++) {
        long offset = random.nextLong(size / 4096) * 4096;
        page.clear();
        long t0 = System.nanoTime();
        ch.read(page, offset);
        latencies[i] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(latencies);
    return latencies[RANDOM_READS / 2];
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
