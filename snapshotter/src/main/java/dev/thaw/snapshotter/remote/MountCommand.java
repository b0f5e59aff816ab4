package dev.thaw.snapshotter.remote;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.DockerConfigCredentials;
import dev.thaw.image.registry.RegistryClient;
import dev.thaw.snapshotter.cache.ChunkCache;
import dev.thaw.snapshotter.cache.DiskChunkCache;
import dev.thaw.snapshotter.cache.WriteBehindChunkCache;
import dev.thaw.snapshotter.fetch.FetchConfig;
import dev.thaw.snapshotter.fetch.FetchContext;
import dev.thaw.snapshotter.fetch.FetchScheduler;
import dev.thaw.snapshotter.fetch.RateLimiter;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code thaw-snapshotter mount REF LAYER_DIGEST MOUNTPOINT}: mounts one layer of an image lazily
 * until interrupted, logging every range it fetches. For trying the fetch path by hand.
 *
 * <p>Confined to the command's thread.
 */
@Command(
    name = "mount",
    description = "Mount one layer of an image lazily until interrupted, logging what it fetches.")
public final class MountCommand implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(MountCommand.class.getName());

  @Parameters(index = "0", description = "Image reference, e.g. 127.0.0.1:5001/app:1.")
  String ref;

  @Parameters(index = "1", description = "Digest of the layer blob (eStargz or zstd:chunked).")
  String layerDigest;

  @Parameters(index = "2", description = "Existing empty directory to mount on.")
  Path mountpoint;

  @Option(
      names = "--cache-dir",
      description = "Chunk cache directory (default: a temp dir, deleted chunks survive).")
  Path cacheDir;

  @Option(names = "--cache-size", description = "Chunk cache bound in bytes (default 10 GiB).")
  long cacheSize = 10L << 30;

  @Option(names = "--concurrency", description = "Parallel range requests (default 8).")
  int concurrency = 8;

  @Option(names = "--no-background", description = "Fetch only what is read and prefetched.")
  boolean noBackground;

  @Option(names = "--insecure-registry", description = "Host reached over plain HTTP.")
  List<String> insecure = new ArrayList<>();

  @Option(names = "--docker-config", description = "Credentials file (docker config.json).")
  Path dockerConfig = Path.of(System.getProperty("user.home"), ".docker", "config.json");

  /** For picocli. */
  public MountCommand() {}

  @Override
  public Integer call() throws Exception {
    logFetches();
    RegistryReference image = RegistryReference.parse(ref);
    Digest layer = Digest.parse(layerDigest);
    RegistryClient.Builder builder = RegistryClient.builder();
    insecure.forEach(builder::insecureRegistry);
    if (Files.isRegularFile(dockerConfig)) {
      builder.credentials(DockerConfigCredentials.load(dockerConfig));
    }
    RegistryClient client = builder.build();
    Descriptor descriptor =
        new LayerLocator(client)
            .locate(image, layer)
            .orElseThrow(() -> new IOException("layer " + layer + " not in image " + image));
    Optional<Digest> toc = descriptor.annotation(RemoteLabels.TOC_DIGEST).map(Digest::parse);
    Path cache = cacheDir != null ? cacheDir : Files.createTempDirectory("thaw-mount-cache");
    SnapshotterMetrics metrics = SnapshotterMetrics.inNewRegistry();
    BlobSource blob = client.blobSource(image, descriptor);
    try (ChunkCache chunks = WriteBehindChunkCache.over(DiskChunkCache.open(cache, cacheSize));
        FetchScheduler scheduler =
            new FetchScheduler(concurrency, !noBackground, RateLimiter.unlimited())) {
      FetchContext ctx = FetchContext.of(chunks, scheduler, metrics, FetchConfig.defaults());
      OpenedLayer opened = SeekableLayers.opener().open(blob, layer.toString(), toc);
      CountDownLatch interrupted = new CountDownLatch(1);
      RemoteLayer mounted =
          RemoteLayer.mount(
              layer.toString(), blob, opened, ctx, SeekableLayers.fuseMounter(), mountpoint);
      try {
        // On SIGINT/SIGTERM the JVM exits once hooks finish: unmount in the hook itself.
        Thread hook =
            new Thread(
                () -> {
                  try {
                    mounted.close();
                  } catch (IOException e) {
                    LOG.warning("unmount " + mountpoint + ": " + e.getMessage());
                  }
                  interrupted.countDown();
                },
                "thaw-mount-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info(
            "serving "
                + opened.index().size()
                + " entries of "
                + layer.shortForm()
                + " at "
                + mountpoint
                + "; interrupt to unmount");
        interrupted.await();
      } finally {
        mounted.close();
      }
      LOG.info(
          "fetched "
              + metrics.bytesFetched("on-demand")
              + " bytes on demand, "
              + metrics.bytesFetched("prefetch")
              + " prefetched, "
              + metrics.bytesFetched("background")
              + " in background");
    }
    return 0;
  }

  private static void logFetches() {
    Logger fetch = Logger.getLogger("dev.thaw.snapshotter.fetch");
    fetch.setLevel(Level.FINE);
    ConsoleHandler handler = new ConsoleHandler();
    handler.setLevel(Level.FINE);
    fetch.addHandler(handler);
    fetch.setUseParentHandlers(false);
  }
}
