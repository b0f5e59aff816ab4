package dev.thaw.snapshotter.remote;

import dev.thaw.image.registry.DockerConfigCredentials;
import dev.thaw.image.registry.RegistryClient;
import dev.thaw.snapshotter.cache.ChunkCache;
import dev.thaw.snapshotter.cache.DiskChunkCache;
import dev.thaw.snapshotter.cache.WriteBehindChunkCache;
import dev.thaw.snapshotter.config.ThawConfig;
import dev.thaw.snapshotter.fetch.FetchConfig;
import dev.thaw.snapshotter.fetch.FetchContext;
import dev.thaw.snapshotter.fetch.FetchScheduler;
import dev.thaw.snapshotter.fetch.RateLimiter;
import dev.thaw.snapshotter.metrics.MetricsServer;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import dev.thaw.snapshotter.profile.ProfileRecorder;
import dev.thaw.snapshotter.profile.ProfileStore;
import dev.thaw.snapshotter.snapshots.RemoteLayerPreparer;
import dev.thaw.snapshotter.snapshots.RemoteLayerPreparerFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds the daemon's {@link LazyLayerPreparer} from its config: a disk chunk cache under {@code
 * root/cache}, a fetch scheduler of {@code fetch.concurrency} workers, a registry client with the
 * docker config's credentials and the insecure registries, metrics in the default Prometheus
 * registry, and (when {@code metrics_address} is set) the metrics HTTP server. Registered with
 * {@link java.util.ServiceLoader}. Stateless.
 */
public final class LazyLayerPreparerFactory implements RemoteLayerPreparerFactory {
  private static final Logger LOG = Logger.getLogger(LazyLayerPreparerFactory.class.getName());

  /** For {@link java.util.ServiceLoader}. */
  public LazyLayerPreparerFactory() {}

  @Override
  public RemoteLayerPreparer create(ThawConfig config) throws IOException {
    RegistryClient.Builder client = RegistryClient.builder();
    if (Files.isRegularFile(config.dockerConfig())) {
      client.credentials(DockerConfigCredentials.load(config.dockerConfig()));
    }
    config.insecureRegistries().forEach(client::insecureRegistry);
    Path cacheDir = config.root().resolve("cache");
    ChunkCache cache =
        WriteBehindChunkCache.over(DiskChunkCache.open(cacheDir, config.cacheSizeBytes()));
    FetchScheduler scheduler =
        new FetchScheduler(
            config.fetchConcurrency(),
            config.backgroundFetch(),
            new RateLimiter(config.backgroundFetchBytesPerSecond()));
    SnapshotterMetrics metrics = new SnapshotterMetrics(PrometheusRegistry.defaultRegistry);
    metrics.watchCache(cache::sizeBytes, cache::chunkCount);
    FetchContext ctx = FetchContext.of(cache, scheduler, metrics, FetchConfig.defaults());
    Optional<ProfileRecorder> profiles = profiles(config, metrics);
    LazyLayerPreparer preparer =
        new LazyLayerPreparer(
            client.build(),
            SeekableLayers.opener(),
            SeekableLayers.fuseMounter(),
            ctx,
            config.prefetchTimeout(),
            profiles);
    MetricsServer server = null;
    if (!config.metricsAddress().isBlank()) {
      String a = config.metricsAddress();
      int colon = a.lastIndexOf(':');
      server =
          MetricsServer.start(
              new InetSocketAddress(
                  a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))),
              metrics.registry());
    }
    return new OwningPreparer(preparer, scheduler, cache, server, profiles);
  }

  /**
   * The start-up profile recorder over {@code <root>/profiles.db}, if {@code [profile] enabled}.
   * Profiles are an aid, not a duty: a store that cannot be opened turns recording off with a
   * warning ({@code profile-recording=false reason=…}) and the daemon serves anyway.
   */
  static Optional<ProfileRecorder> profiles(ThawConfig config, SnapshotterMetrics metrics) {
    if (!config.profileEnabled()) {
      LOG.info("profile-recording=false reason=\"[profile] enabled = false\"");
      return Optional.empty();
    }
    Path file = config.root().resolve(ProfileStore.FILE_NAME);
    ProfileStore store = null;
    try {
      Files.createDirectories(config.root());
      store = ProfileStore.open(file);
      ProfileRecorder recorder =
          ProfileRecorder.start(store, config.profileWindow(), Clock.systemUTC(), metrics);
      LOG.info("profile-recording=true store=" + file + " window=" + config.profileWindow());
      return Optional.of(recorder);
    } catch (IOException | RuntimeException e) {
      if (store != null) {
        try {
          store.close();
        } catch (IOException c) {
          e.addSuppressed(c);
        }
      }
      LOG.log(Level.WARNING, "profile-recording=false reason=\"" + e.getMessage() + "\"", e);
      return Optional.empty();
    }
  }
}
