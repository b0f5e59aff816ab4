package dev.thaw.image.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.thaw.image.blob.FileBlobSource;
import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.tar.WrittenLayer;
import dev.thaw.image.zstdchunked.ZstdChunkedWriter;
import dev.thaw.testimages.TestEntry;
import dev.thaw.testimages.TestLayers;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures writer throughput on a 512 MiB mixed layer (text-like files of many sizes, random files,
 * one 64 MiB random file) and prints MB/s per format and thread count.
 */
class WriterThroughputIT {
  private static final long TOTAL = 512L << 20;

  @TempDir Path dir;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void write_512MiBMixed_printsThroughput() throws Exception {
    Path tar = dir.resolve("mixed.tar");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 20)) {
      TestLayers.writeTar(out, mixed());
    }
    long inputSize = Files.size(tar);
    int cores = Runtime.getRuntime().availableProcessors();
    baseline(tar, inputSize);
    measure(tar, inputSize, "estargz", cores);
    measure(tar, inputSize, "zstd:chunked", cores);
  }

  private void measure(Path tar, long inputSize, String format, int threads) throws Exception {
    Path blob = dir.resolve(format.replace(':', '-') + "-" + threads);
    long start = System.nanoTime();
    long cpuStart = cpuNanos();
    WrittenLayer w;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(blob), 1 << 20)) {
      w =
          format.equals("estargz")
              ? new EstargzWriter(
                      WriterOptions.defaults(EstargzWriter.DEFAULT_COMPRESSION_LEVEL)
                          .withParallelism(threads))
                  .write(tar, out, "bench")
              : new ZstdChunkedWriter(
                      WriterOptions.defaults(ZstdChunkedWriter.DEFAULT_COMPRESSION_LEVEL)
                          .withParallelism(threads))
                  .write(tar, out, "bench")
                  .layer();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (cpuNanos() - cpuStart) / 1e9;
    System.out.printf(
        "WriterThroughputIT: %s threads=%d input=%d MiB output=%d MiB %.1f s wall %.1f MB/s,"
            + " %.1f s CPU %.1f MB/CPU-s, load %.2f%n",
        format,
        threads,
        inputSize >> 20,
        Files.size(blob) >> 20,
        seconds,
        inputSize / seconds / 1e6,
        cpu,
        inputSize / cpu / 1e6,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    try (FileBlobSource source = new FileBlobSource(blob)) {
      assertEquals(
          w.tocDigest(), SeekableLayer.open(source, Optional.of(w.tocDigest())).tocDigest());
    }
    Files.delete(blob);
  }

  /** {@code gzip -6} of the same tar on one core: the single-stream zlib reference point. */
  private static void baseline(Path tar, long inputSize) throws Exception {
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder("sh", "-c", "gzip -6 -c \"$0\" | wc -c", tar.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    p.waitFor(10, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "WriterThroughputIT: gzip -6 (one core) output=%s bytes %.1f s wall %.1f MB/s%n",
        out, seconds, inputSize / seconds / 1e6);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static List<TestEntry> mixed() {
    List<TestEntry> entries = new ArrayList<>();
    SplittableRandom r = new SplittableRandom(42);
    entries.add(TestLayers.randomFile("opt/model.bin", 64L << 20, 1));
    long total = 64L << 20;
    int i = 0;
    while (total < TOTAL) {
      String d = "usr/lib/d" + (i / 100) + "/";
      long size =
          switch (i % 4) {
            case 0 -> 512 + r.nextInt(8192);
            case 1 -> 16_384 + r.nextInt(200_000);
            case 2 -> 1 + r.nextInt(2 << 20);
            default -> 4_000_000 + r.nextInt(8 << 20);
          };
      size = Math.min(size, TOTAL - total);
      entries.add(
          i % 3 == 2
              ? TestLayers.randomFile(d + "f" + i, size, i)
              : TestLayers.textFile(d + "f" + i, size, i));
      total += size;
      i++;
    }
    return entries;
  }
}
