package dev.thaw.snapshotter.remote;

import static dev.thaw.testimages.TestLayers.dir;
import static dev.thaw.testimages.TestLayers.file;
import static dev.thaw.testimages.TestLayers.hardlink;
import static dev.thaw.testimages.TestLayers.randomFile;
import static dev.thaw.testimages.TestLayers.symlink;
import static dev.thaw.testimages.TestLayers.textFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.Manifest;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.BlobContent;
import dev.thaw.image.registry.RegistryClient;
import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.tar.WrittenLayer;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocNode;
import dev.thaw.snapshotter.cache.ChunkCache;
import dev.thaw.snapshotter.cache.DiskChunkCache;
import dev.thaw.snapshotter.cache.MemoryChunkCache;
import dev.thaw.snapshotter.fetch.FetchConfig;
import dev.thaw.snapshotter.fetch.FetchContext;
import dev.thaw.snapshotter.fetch.FetchScheduler;
import dev.thaw.snapshotter.fetch.RateLimiter;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import dev.thaw.snapshotter.snapshots.RemoteLayerRequest;
import dev.thaw.snapshotter.snapshots.RemotePrepareOutcome;
import dev.thaw.testimages.TestEntry;
import dev.thaw.testimages.TestLayers;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lazy mounts of an eStargz layer built by our writer, pushed to a real registry, read through a
 * real FUSE mount. Needs root, /dev/fuse, libfuse2 and docker-registry (CI has them).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LazyMountIT {
  @RegisterExtension static final RegistryExtension REGISTRY = new RegistryExtension();

  @TempDir static Path shared;
  @TempDir Path dir;

  static Path tar;
  static Path extracted;
  static RegistryClient client;
  static RegistryReference image;
  static Descriptor layer;
  static WrittenLayer written;

  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void pushLayer() throws Exception {
    List<TestEntry> entries = new ArrayList<>();
    entries.add(dir("etc/"));
    entries.add(file("etc/hosts", "127.0.0.1 localhost\n"));
    entries.add(dir("data/"));
    entries.add(randomFile("data/big.bin", 3L << 20, 1));
    entries.add(textFile("data/text.txt", 700_000, 2));
    for (int i = 0; i < 150; i++) {
      entries.add(textFile("data/small/f" + i + ".txt", 100 + i * 37, 100 + i));
    }
    entries.add(symlink("etc/link", "hosts"));
    entries.add(hardlink("data/big-again.bin", "data/big.bin"));
    tar = shared.resolve("layer.tar");
    Files.write(tar, TestLayers.tar(entries));
    extracted = Files.createDirectories(shared.resolve("extracted"));
    run("tar", "-xpf", tar.toString(), "-C", extracted.toString());

    Path blob = shared.resolve("layer.estargz");
    try (OutputStream out = Files.newOutputStream(blob)) {
      written =
          new EstargzWriter(
                  WriterOptions.defaults(6)
                      .withChunkSize(256 << 10)
                      .withPrefetch(List.of("etc/hosts")))
              .write(tar, out, "test layer");
    }
    client = RegistryClient.builder().insecureRegistry(REGISTRY.host()).build();
    image = RegistryReference.parse(REGISTRY.host() + "/lazy/app:1");
    layer =
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, written.blobDigest(), written.blobSize())
            .withAnnotations(EstargzWriter.annotations(written));
    client.pushBlob(image, layer, BlobContent.ofFile(blob));
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\""
                + written.diffId()
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    Descriptor configDesc = Descriptor.ofContent(MediaTypes.OCI_CONFIG, config);
    client.pushBlob(image, configDesc, BlobContent.ofBytes(config));
    client.pushManifest(
        image,
        Manifest.of(MediaTypes.OCI_MANIFEST, configDesc, List.of(layer), Map.of()).content());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
  }

  /** A blob source over the real registry that counts range reads and can fail or corrupt them. */
  static final class FaultyBlob implements BlobSource {
    final BlobSource real;
    final AtomicInteger reads = new AtomicInteger();
    volatile boolean down;
    volatile long corruptAt = -1;

    FaultyBlob(BlobSource real) {
      this.real = real;
    }

    @Override
    public long size() throws IOException {
      return real.size();
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
      reads.incrementAndGet();
      if (down) {
        throw new IOException("read " + describe() + " at " + offset + ": connection refused");
      }
      byte[] b = real.read(offset, length);
      long at = corruptAt;
      if (at >= offset && at < offset + length) {
        b[(int) (at - offset)] ^= 0x5a;
      }
      return b;
    }

    @Override
    public String describe() {
      return real.describe();
    }

    @Override
    public void close() throws IOException {
      real.close();
    }
  }

  record Mounted(RemoteLayer layer, FaultyBlob blob, ChunkCache cache, Path mountpoint) {}

  private Mounted mount(long cacheBytes, FetchConfig config) throws Exception {
    FaultyBlob blob = new FaultyBlob(client.blobSource(image, layer));
    OpenedLayer openedLayer =
        SeekableLayers.opener()
            .open(blob, layer.digest().toString(), Optional.of(written.tocDigest()));
    DiskChunkCache cache = DiskChunkCache.open(dir.resolve("cache"), cacheBytes);
    FetchScheduler scheduler = new FetchScheduler(8, false, RateLimiter.unlimited());
    opened.add(cache);
    opened.add(scheduler);
    FetchContext ctx =
        FetchContext.of(cache, scheduler, SnapshotterMetrics.inNewRegistry(), config);
    Path mountpoint = Files.createDirectories(dir.resolve("mnt"));
    RemoteLayer remote =
        RemoteLayer.mount(
            layer.digest().toString(),
            blob,
            openedLayer,
            ctx,
            SeekableLayers.fuseMounter(),
            mountpoint);
    opened.add(remote);
    assertTrue(remote.awaitPrefetch(Duration.ofSeconds(30)));
    blob.reads.set(0);
    return new Mounted(remote, blob, cache, mountpoint);
  }

  private static FetchConfig quickRetries() {
    return FetchConfig.defaults().withRetries(2, Duration.ofMillis(50));
  }

  /**
   * A preparer over the pushed layer with {@code opener} and {@code cache}; closed after the test.
   */
  private LazyLayerPreparer preparer(
      SeekableLayerOpener opener, ChunkCache cache, int workers, SnapshotterMetrics metrics) {
    FetchScheduler scheduler = new FetchScheduler(workers, true, RateLimiter.unlimited());
    opened.add(scheduler);
    LazyLayerPreparer preparer =
        new LazyLayerPreparer(
            client,
            opener,
            SeekableLayers.fuseMounter(),
            FetchContext.of(cache, scheduler, metrics, FetchConfig.defaults()),
            Duration.ofSeconds(10));
    opened.add(preparer);
    return preparer;
  }

  /** Prepares the pushed layer at a new mount point, with {@code tocDigest} as its TOC label. */
  private RemotePrepareOutcome prepare(LazyLayerPreparer preparer, Digest tocDigest)
      throws Exception {
    Path mountpoint = Files.createDirectories(dir.resolve("mnt"));
    return preparer.prepare(
        new RemoteLayerRequest(
            "default/1/key",
            "sha256:chain",
            "",
            Map.of(
                RemoteLabels.IMAGE_REF, image.toString(),
                RemoteLabels.LAYER_DIGEST, layer.digest().toString(),
                RemoteLabels.TOC_DIGEST, tocDigest.toString()),
            mountpoint));
  }

  private void assertNothingMounted() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("mnt"))) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void prepare_labelsOfPushedLayer_mountsByteIdenticalTree() throws Exception {
    SnapshotterMetrics metrics = SnapshotterMetrics.inNewRegistry();
    DiskChunkCache cache = DiskChunkCache.open(dir.resolve("cache"), 1L << 30);
    opened.add(cache);
    LazyLayerPreparer preparer = preparer(SeekableLayers.opener(), cache, 8, metrics);
    RemotePrepareOutcome outcome = prepare(preparer, written.tocDigest());
    assertInstanceOf(RemotePrepareOutcome.Mounted.class, outcome);
    assertEquals(1, metrics.remotePrepares("succeeded"));
    Path mountpoint = dir.resolve("mnt");
    String diff =
        run(
            "diff",
            "-r",
            "--no-dereference",
            "-x",
            "*.prefetch.landmark",
            extracted.toString(),
            mountpoint.toString());
    assertEquals("", diff);
    assertEquals(stats(extracted), stats(mountpoint));
    assertEquals(Optional.empty(), preparer.unhealthyReason(mountpoint));
  }

  @Test
  void prepare_tocTooLargeForTheHeap_fallsBackAndMountsNothing() throws Exception {
    SnapshotterMetrics metrics = SnapshotterMetrics.inNewRegistry();
    SeekableLayerOpener outOfHeap =
        (blob, name, toc) -> {
          throw new OutOfMemoryError("Java heap space");
        };
    RemotePrepareOutcome outcome =
        prepare(
            preparer(outOfHeap, new MemoryChunkCache(1 << 20), 2, metrics), written.tocDigest());
    // containerd then pulls the layer itself: the pull goes on instead of failing with UNKNOWN.
    var fallback = assertInstanceOf(RemotePrepareOutcome.Fallback.class, outcome);
    assertTrue(fallback.reason().contains("out of Java heap"), fallback.reason());
    assertEquals(1, metrics.remotePrepares("fell-back"));
    assertNothingMounted();
  }

  @Test
  void prepare_wrongTocDigest_fallsBackAndMountsNothing() throws Exception {
    SnapshotterMetrics metrics = SnapshotterMetrics.inNewRegistry();
    RemotePrepareOutcome outcome =
        prepare(
            preparer(SeekableLayers.opener(), new MemoryChunkCache(1 << 20), 2, metrics),
            Digest.sha256(new byte[] {1}));
    var fallback = assertInstanceOf(RemotePrepareOutcome.Fallback.class, outcome);
    assertTrue(fallback.reason().contains("TOC"), fallback.reason());
    assertNothingMounted();
  }

  @Test
  void read_concurrentReadersOfOneColdChunk_makeOneRangeRequest() throws Exception {
    Mounted m = mount(1L << 30, quickRetries().withReadAheadBytes(0));
    Path big = m.mountpoint().resolve("data/big.bin");
    int readers = 16;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    byte[] expected = Files.readAllBytes(extracted.resolve("data/big.bin"));
    for (int i = 0; i < readers; i++) {
      long offset = (1L << 20) + i * 8192L; // all inside the 5th 256 KiB chunk
      threads.add(
          Thread.ofPlatform()
              .start(() -> {
                try (FileChannel ch = FileChannel.open(big)) {
                  start.await();
                  ByteBuffer b = ByteBuffer.allocate(4096);
                  ch.read(b, offset);
                  byte[] want =
                      java.util.Arrays.copyOfRange(expected, (int) offset, (int) offset + 4096);
                  if (!java.util.Arrays.equals(want, b.array())) {
                    throw new AssertionError("wrong bytes at " + offset);
                  }
                } catch (Throwable t) {
                  errors.add(t);
                }
              }));
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), errors);
    assertEquals(1, m.blob().reads.get());
  }

  @Test
  void read_corruptedByteInBlob_givesEioAndCachesNothingCorrupt() throws Exception {
    Mounted m = mount(1L << 30, quickRetries().withReadAheadBytes(0));
    TocNode text = node("data/text.txt");
    TocChunk chunk = index().chunks(text).get(1);
    m.blob().corruptAt = chunk.compressedOffset() + 40;
    Path file = m.mountpoint().resolve("data/text.txt");
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              try (FileChannel ch = FileChannel.open(file)) {
                ch.read(ByteBuffer.allocate(4096), chunk.fileOffset());
              }
            });
    assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e.toString());
    assertFalse(m.cache().contains(chunk.chunkDigest()));
    assertFalse(m.layer().health().healthy());
    m.blob().corruptAt = -1;
    assertArrayEquals(
        Files.readAllBytes(extracted.resolve("data/text.txt")), Files.readAllBytes(file));
    assertTrue(m.layer().health().healthy());
  }

  @Test
  void read_registryDownMidRead_eioAfterBoundedRetriesThenRecovers() throws Exception {
    Mounted m =
        mount(
            1L << 30,
            new FetchConfig(
                300_000, 0, 16 << 20, 8 << 20, 4 << 20, 64 << 10, 2, Duration.ofMillis(50)));
    Path file = m.mountpoint().resolve("data/big.bin");
    try (FileChannel ch = FileChannel.open(file)) {
      ch.read(ByteBuffer.allocate(4096), 0);
      m.blob().down = true;
      int before = m.blob().reads.get();
      long started = System.nanoTime();
      assertThrows(IOException.class, () -> ch.read(ByteBuffer.allocate(4096), 2L << 20));
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
      // Each failed FUSE read makes `attempts` (2) requests; the kernel may retry the page once.
      int requests = m.blob().reads.get() - before;
      assertTrue(requests >= 2 && requests <= 4, requests + " requests");
      m.blob().down = false;
    }
    assertArrayEquals(
        Files.readAllBytes(extracted.resolve("data/big.bin")), Files.readAllBytes(file));
  }

  @Test
  void read_cacheSmallerThanData_readsCorrectAndDiskStaysUnderBound() throws Exception {
    long bound = 1L << 20;
    Mounted m = mount(bound, FetchConfig.defaults());
    assertEquals(
        "",
        run(
            "diff",
            "-r",
            "--no-dereference",
            "-x",
            "*.prefetch.landmark",
            extracted.toString(),
            m.mountpoint().toString()));
    assertTrue(m.cache().sizeBytes() <= bound);
    long onDisk = bytesOnDisk(dir.resolve("cache"));
    assertTrue(onDisk <= bound, "cache holds " + onDisk + " bytes on disk");
  }

  /**
   * The bytes of the regular files under {@code root}; read-ahead may still evict while the tree is
   * walked, so a file that disappears counts as gone.
   */
  private static long bytesOnDisk(Path root) throws IOException {
    long[] total = {0};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              total[0] += attrs.size();
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    return total[0];
  }

  private static dev.thaw.image.toc.TocIndex index() throws IOException {
    return SeekableLayers.opener()
        .open(client.blobSource(image, layer), "index", Optional.empty())
        .index();
  }

  private static TocNode node(String path) throws IOException {
    return index().lookup(path).orElseThrow();
  }

  /** Type, mode, owner, size, link target and mtime of every non-directory entry. */
  private static String stats(Path root) throws Exception {
    return run(
        "sh",
        "-c",
        "cd '"
            + root
            + "' && find . -mindepth 1 ! -type d ! -name \"*.prefetch.landmark\" -printf '%p %y %m %U %G %s %n %l %T@\\n' | sed"
            + " 's/\\.[0-9]*$//' | sort");
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " timed out");
    }
    if (p.exitValue() != 0 && !cmd[0].equals("diff")) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }
}
