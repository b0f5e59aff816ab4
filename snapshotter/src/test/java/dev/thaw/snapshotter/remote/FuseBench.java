package dev.thaw.snapshotter.remote;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.BlobContent;
import dev.thaw.image.registry.RegistryClient;
import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.tar.WrittenLayer;
import dev.thaw.snapshotter.cache.ChunkCache;
import dev.thaw.snapshotter.cache.DiskChunkCache;
import dev.thaw.snapshotter.cache.WriteBehindChunkCache;
import dev.thaw.snapshotter.fetch.FetchConfig;
import dev.thaw.snapshotter.fetch.FetchContext;
import dev.thaw.snapshotter.fetch.FetchScheduler;
import dev.thaw.snapshotter.fetch.RateLimiter;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import dev.thaw.testimages.TestEntry;
import dev.thaw.testimages.TestLayers;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * {@code bench/fuse}: reads through a lazily mounted layer served by a local registry and prints a
 * table. Run by {@code bench/fuse/run.sh} (root, /dev/fuse, docker-registry, curl).
 *
 * <p>Arguments: {@code [bigFileMiB] [treeFiles]} (default 1024 and 50000). Confined to main.
 */
public final class FuseBench {
  private FuseBench() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--cold-read")) {
      coldReadChild(args);
      return;
    }
    long bigMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int treeFiles = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    Path work = Files.createTempDirectory("thaw-bench-fuse");
    RegistryExtension registry = new RegistryExtension();
    registry.start();
    List<String[]> rows = new ArrayList<>();
    try {
      RegistryClient client = RegistryClient.builder().insecureRegistry(registry.host()).build();
      RegistryReference repo = RegistryReference.parse(registry.host() + "/bench/fuse:1");

      // 1. A layer with one big incompressible file.
      Descriptor big =
          push(
              client,
              repo,
              work,
              "big",
              List.of(TestLayers.randomFile("big.bin", bigMiB << 20, 42)),
              4L << 20);
      double curlMBs = curl(registry.host(), big);
      rows.add(row("curl of the layer blob (same registry)", curlMBs, "MB/s"));
      long bytes = bigMiB << 20;
      rows.add(
          row("registry Range GETs of 4 MiB, 8 in parallel", ranges(client, repo, big), "MB/s"));
      rows.add(
          row(
              "registry streamed Range GETs of 64 MiB, 1 at a time",
              streamed(client, repo, big),
              "MB/s"));
      rows.add(
          row(
              "cold sequential read in process (no FUSE), 128 KiB",
              inProcess(client, repo, big, work.resolve("cache-direct"), bytes),
              "MB/s"));
      Path jvmOptions = Path.of("bin/thaw-snapshotter.jvm-options");
      if (Files.exists(jvmOptions)) {
        String[] child = coldReadInChild(registry.host(), big, work, jvmOptions);
        rows.add(
            new String[] {"cold sequential read, daemon JVM flags (own JVM)", child[0], "MB/s"});
        rows.add(new String[] {"  peak RSS of that JVM (VmHWM)", child[1], "MiB"});
      }
      Path cacheDir = work.resolve("cache");
      try (Mount m = new Mount(client, repo, big, cacheDir, work.resolve("mnt-big"))) {
        double cold = seqRead(m.mountpoint.resolve("big.bin"), bytes);
        rows.add(row("cold sequential read, 1 MiB reads", cold, "MB/s"));
        rows.add(row("  cold / curl", 100 * cold / curlMBs, "%"));
        double warm = seqRead(m.mountpoint.resolve("big.bin"), bytes);
        rows.add(row("warm sequential read (same mount, page cache)", warm, "MB/s"));
      }
      try (Mount m = new Mount(client, repo, big, cacheDir, work.resolve("mnt-big2"))) {
        double[] lat = randomReads(m.mountpoint.resolve("big.bin"), bytes, 20_000);
        rows.add(row("random 4 KiB read p50 (fresh mount, chunk cache)", lat[0], "us"));
        rows.add(row("random 4 KiB read p99 (fresh mount, chunk cache)", lat[1], "us"));
        double warm = seqRead(m.mountpoint.resolve("big.bin"), bytes);
        rows.add(row("warm sequential read (fresh mount, chunk cache)", warm, "MB/s"));
      }

      // 2. A tree of many small files.
      if (treeFiles == 0) {
        return;
      }
      List<TestEntry> tree = new ArrayList<>();
      for (int d = 0; d < treeFiles / 500; d++) {
        tree.add(TestLayers.dir("t/d" + d + "/"));
        for (int f = 0; f < 500; f++) {
          tree.add(TestLayers.file("t/d" + d + "/f" + f, "x" + f));
        }
      }
      Descriptor treeLayer = push(client, repo, work, "tree", tree, 4L << 20);
      Path local = Files.createDirectories(work.resolve("tree-local"));
      sh("tar -xf '" + work.resolve("tree.tar") + "' -C '" + local + "'");
      try (Mount m = new Mount(client, repo, treeLayer, cacheDir, work.resolve("mnt-tree"))) {
        String find = "find '%s' -printf '%%s %%m %%u\\n' | wc -l";
        long t0 = System.nanoTime();
        String n = sh(String.format(find, m.mountpoint)).trim();
        double lazy = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        sh(String.format(find, local));
        double disk = (System.nanoTime() - t0) / 1e6;
        rows.add(row("find+stat " + n + " entries, lazy mount (cold)", lazy, "ms"));
        rows.add(row("find+stat same tree on local disk", disk, "ms"));
      }
    } finally {
      registry.stop();
      sh("rm -rf '" + work + "'");
      print(bigMiB, rows);
    }
  }

  private static void print(long bigMiB, List<String[]> rows) {
    System.out.printf("%n%-52s %12s %s%n", "bench/fuse (" + bigMiB + " MiB file)", "value", "unit");
    for (String[] r : rows) {
      System.out.printf("%-52s %12s %s%n", r[0], r[1], r[2]);
    }
  }

  /**
   * Runs the cold sequential read in a JVM of its own, started with the daemon's flags ({@code
   * jvmOptions}, a java argument file), so its peak RSS is the fetch path's and not the layer
   * builder's. Returns MB/s and VmHWM in MiB.
   */
  private static String[] coldReadInChild(String host, Descriptor d, Path work, Path jvmOptions)
      throws Exception {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
                javaBin.toString(),
                "@" + jvmOptions.toAbsolutePath(),
                "-cp",
                System.getProperty("java.class.path"),
                FuseBench.class.getName(),
                "--cold-read",
                host,
                d.digest().toString(),
                Long.toString(d.size()),
                work.resolve("child").toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    // As the launchers set it: few glibc malloc arenas for libfuse's many native threads.
    pb.environment().put("MALLOC_ARENA_MAX", "2");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("cold read child failed: " + out);
    }
    String[] last = out.lines().reduce((a, b) -> b).orElse("").split(" ");
    return new String[] {last[0], last[1]};
  }

  /** The child side: {@code --cold-read HOST DIGEST SIZE WORKDIR}; prints "MB/s VmHWM-MiB". */
  private static void coldReadChild(String[] args) throws Exception {
    RegistryClient client = RegistryClient.builder().insecureRegistry(args[1]).build();
    RegistryReference repo = RegistryReference.parse(args[1] + "/bench/fuse:1");
    Descriptor d =
        Descriptor.of(
            MediaTypes.OCI_LAYER_GZIP,
            dev.thaw.image.oci.Digest.parse(args[2]),
            Long.parseLong(args[3]));
    Path work = Files.createDirectories(Path.of(args[4]));
    double mbs;
    try (Mount m = new Mount(client, repo, d, work.resolve("cache"), work.resolve("mnt"))) {
      Path file = m.mountpoint.resolve("big.bin");
      mbs = seqRead(file, Files.size(file));
    }
    long hwmKib =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(l -> l.startsWith("VmHWM:"))
            .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
            .findFirst()
            .orElseThrow();
    System.out.printf("%.1f %.1f%n", mbs, hwmKib / 1024.0);
  }

  /** Throughput of 4 MiB Range GETs of the whole blob through the client, 8 at a time. */
  private static double ranges(RegistryClient client, RegistryReference repo, Descriptor d)
      throws Exception {
    BlobSource blob = client.blobSource(repo, d);
    long size = d.size();
    int piece = 4 << 20;
    java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
    long t0 = System.nanoTime();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<Void>> workers = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        workers.add(
            pool.submit(() -> {
              for (long off; (off = next.getAndAdd(piece)) < size; ) {
                blob.read(off, (int) Math.min(piece, size - off));
              }
              return null;
            }));
      }
      for (var f : workers) {
        f.get();
      }
    }
    return size / ((System.nanoTime() - t0) / 1e9) / 1e6;
  }

  /** Throughput of 64 MiB streamed Range GETs of the whole blob, one after the other. */
  private static double streamed(RegistryClient client, RegistryReference repo, Descriptor d)
      throws Exception {
    BlobSource blob = client.blobSource(repo, d);
    long size = d.size();
    long piece = 64L << 20;
    byte[] buf = new byte[1 << 20];
    long t0 = System.nanoTime();
    for (long off = 0; off < size; off += piece) {
      try (var in = blob.openRange(off, Math.min(piece, size - off))) {
        while (in.read(buf) > 0) {}
      }
    }
    return size / ((System.nanoTime() - t0) / 1e9) / 1e6;
  }

  /** Cold sequential read of the big file straight from the chunk source, 128 KiB at a time. */
  private static double inProcess(
      RegistryClient client, RegistryReference repo, Descriptor d, Path cacheDir, long size)
      throws Exception {
    try (ChunkCache cache = WriteBehindChunkCache.over(DiskChunkCache.open(cacheDir, 4L << 30));
        FetchScheduler scheduler = new FetchScheduler(8, false, RateLimiter.unlimited())) {
      BlobSource blob = client.blobSource(repo, d);
      OpenedLayer opened =
          SeekableLayers.opener().open(blob, d.digest().toString(), Optional.empty());
      FetchContext ctx =
          FetchContext.of(
              cache, scheduler, SnapshotterMetrics.inNewRegistry(), FetchConfig.defaults());
      var fetcher =
          new dev.thaw.snapshotter.fetch.LayerFetcher(
              d.digest().toString(),
              blob,
              opened.codec(),
              ctx,
              new dev.thaw.snapshotter.fetch.LayerHealth());
      var source =
          new dev.thaw.snapshotter.fetch.CachingChunkSource(
              dev.thaw.snapshotter.fetch.LayerChunks.of(opened.index()), fetcher);
      var index = opened.index();
      var file = index.lookup("big.bin").orElseThrow();
      ByteBuffer buf = ByteBuffer.allocateDirect(128 << 10);
      long t0 = System.nanoTime();
      for (long pos = 0; pos < size; ) {
        var chunk = index.chunks(file).get(index.chunkIndexAt(file, pos));
        buf.clear().limit((int) Math.min(buf.capacity(), chunk.fileEnd() - pos));
        source.read(chunk, pos - chunk.fileOffset(), buf);
        pos += buf.position();
      }
      double mbs = size / ((System.nanoTime() - t0) / 1e9) / 1e6;
      blob.close();
      return mbs;
    }
  }

  private static String[] row(String what, double value, String unit) {
    return new String[] {what, String.format("%.1f", value), unit};
  }

  private static Descriptor push(
      RegistryClient client,
      RegistryReference repo,
      Path work,
      String name,
      List<TestEntry> entries,
      long chunkSize)
      throws Exception {
    Path tar = work.resolve(name + ".tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      TestLayers.writeTar(out, entries);
    }
    Path blob = work.resolve(name + ".estargz");
    WrittenLayer w;
    try (OutputStream out = Files.newOutputStream(blob)) {
      w =
          new EstargzWriter(WriterOptions.defaults(1).withChunkSize(chunkSize))
              .write(tar, out, name);
    }
    Descriptor d =
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, w.blobDigest(), w.blobSize())
            .withAnnotations(EstargzWriter.annotations(w));
    client.pushBlob(repo, d, BlobContent.ofFile(blob));
    Files.delete(blob);
    if (!name.equals("tree")) {
      Files.delete(tar);
    }
    return d;
  }

  private static double curl(String host, Descriptor blob) throws Exception {
    String out =
        sh(
            "curl -sf -o /dev/null -w '%{speed_download}' http://"
                + host
                + "/v2/bench/fuse/blobs/"
                + blob.digest());
    return Double.parseDouble(out.trim().replace(',', '.')) / 1e6;
  }

  private static double seqRead(Path file, long size) throws Exception {
    long t0 = System.nanoTime();
    long total = 0;
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      int n;
      while ((n = ch.read(buf)) > 0) {
        total += n;
        buf.clear();
      }
    }
    if (total != size) {
      throw new IllegalStateException("read " + total + " of " + size + " bytes of " + file);
    }
    return total / ((System.nanoTime() - t0) / 1e9) / 1e6;
  }

  /** p50 and p99 latency in microseconds of random 4 KiB reads. */
  private static double[] randomReads(Path file, long size, int samples) throws Exception {
    long[] nanos = new long[samples];
    Random r = new Random(7);
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer buf = ByteBuffer.allocateDirect(4096);
      for (int i = 0; i < samples; i++) {
        long off = (r.nextLong(size / 4096)) * 4096;
        buf.clear();
        long t0 = System.nanoTime();
        ch.read(buf, off);
        nanos[i] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(nanos);
    return new double[] {nanos[samples / 2] / 1e3, nanos[samples * 99 / 100] / 1e3};
  }

  private static String sh(String cmd) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd + " failed: " + out);
    }
    return out;
  }

  /** A lazy mount of one layer with its own scheduler, over a shared cache directory. */
  private static final class Mount implements AutoCloseable {
    final Path mountpoint;
    final ChunkCache cache;
    final FetchScheduler scheduler;
    final RemoteLayer layer;

    Mount(
        RegistryClient client, RegistryReference repo, Descriptor d, Path cacheDir, Path mountpoint)
        throws Exception {
      this.mountpoint = Files.createDirectories(mountpoint);
      // As the daemon wires it: the disk cache behind the write-behind memory tier.
      cache = WriteBehindChunkCache.over(DiskChunkCache.open(cacheDir, 4L << 30));
      scheduler = new FetchScheduler(8, false, RateLimiter.unlimited());
      BlobSource blob = client.blobSource(repo, d);
      OpenedLayer opened =
          SeekableLayers.opener().open(blob, d.digest().toString(), Optional.empty());
      FetchContext ctx =
          FetchContext.of(
              cache, scheduler, SnapshotterMetrics.inNewRegistry(), FetchConfig.defaults());
      layer =
          RemoteLayer.mount(
              d.digest().toString(), blob, opened, ctx, SeekableLayers.fuseMounter(), mountpoint);
    }

    @Override
    public void close() throws java.io.IOException {
      layer.close();
      scheduler.close();
      cache.close();
    }
  }
}
