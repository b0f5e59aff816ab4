package dev.thaw.snapshotter.remote;

import dev.thaw.image.registry.RegistryClient;
import dev.thaw.snapshotter.cache.MemoryChunkCache;
import dev.thaw.snapshotter.fetch.FetchConfig;
import dev.thaw.snapshotter.fetch.FetchContext;
import dev.thaw.snapshotter.fetch.FetchScheduler;
import dev.thaw.snapshotter.fetch.RateLimiter;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import dev.thaw.snapshotter.snapshots.RemoteLayerRequest;
import dev.thaw.snapshotter.snapshots.RemotePrepareOutcome;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The daemon's start-up warm-up: one lazy layer preparation end to end before the daemon serves, so
 * that containerd's first Prepare does not pay for loading and initialising the HTTP client,
 * Jackson, the TOC reader and index, and above all the libfuse binding (jnr-ffi generates its
 * native stubs at the first mount, seconds on a loaded host). The layer comes from a {@link
 * WarmUpRegistry} on a loopback port, goes through the production {@link LazyLayerPreparer} with
 * the production opener and FUSE mounter, one file is read back through the mount and checked, then
 * it is unmounted. Cache, scheduler and metrics are private to the warm-up: the daemon's cache and
 * counters stay untouched.
 *
 * <p>Stateless.
 */
public final class WarmUp {
  private static final Duration PREFETCH_TIMEOUT = Duration.ofSeconds(30);

  private WarmUp() {}

  /**
   * Runs the warm-up, mounting on {@code mountpoint} (created if missing, empty, and unmounted
   * again before returning).
   *
   * @return how long it took
   * @throws IOException naming the step that failed (the daemon can serve anyway, only colder)
   * @throws InterruptedException if interrupted; nothing stays mounted
   */
  public static Duration run(Path mountpoint) throws IOException, InterruptedException {
    return run(mountpoint, SeekableLayers.fuseMounter());
  }

  /** {@link #run(Path)} with another mounter (tests). */
  static Duration run(Path mountpoint, LayerMounter mounter)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    Files.createDirectories(mountpoint);
    try (WarmUpRegistry registry = WarmUpRegistry.start();
        MemoryChunkCache cache = new MemoryChunkCache(1 << 20);
        FetchScheduler scheduler = new FetchScheduler(2, false, RateLimiter.unlimited())) {
      RegistryClient client = RegistryClient.builder().insecureRegistry(registry.host()).build();
      FetchContext ctx =
          FetchContext.of(
              cache,
              scheduler,
              new SnapshotterMetrics(new PrometheusRegistry()),
              FetchConfig.defaults());
      try (LazyLayerPreparer preparer =
          new LazyLayerPreparer(client, SeekableLayers.opener(), mounter, ctx, PREFETCH_TIMEOUT)) {
        RemotePrepareOutcome outcome =
            preparer.prepare(
                new RemoteLayerRequest(
                    "thaw-warm-up", "thaw-warm-up", "", registry.prepareLabels(), mountpoint));
        if (outcome instanceof RemotePrepareOutcome.Fallback f) {
          throw new IOException(
              "warm-up: lazy prepare of " + registry.image() + " failed: " + f.reason());
        }
        Path file = mountpoint.resolve(WarmUpRegistry.FILE);
        String got;
        try {
          got = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IOException(
              "warm-up: read " + file + " through the lazy mount: " + e.getMessage(), e);
        }
        if (!got.equals(WarmUpRegistry.CONTENT)) {
          throw new IOException(
              "warm-up: " + file + " read back " + got.length() + " unexpected characters");
        }
        preparer.release(mountpoint);
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
