package dev.thaw.snapshotter.fetch;

import dev.thaw.image.oci.Digest;
import dev.thaw.snapshotter.cache.ChunkCache;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import java.util.Objects;

/**
 * What every mounted layer's fetch path shares in one daemon: the chunk cache, the scheduler, the
 * in-flight chunk fetches (so one chunk is fetched once even when two layers contain it), the
 * metrics and the tuning.
 *
 * <p>Thread-safe (all parts are). The creator owns and closes the cache and scheduler.
 *
 * @param cache the content-addressed chunk cache
 * @param scheduler runs every fetch
 * @param flights in-flight fetches by chunk digest; completed with the verified bytes
 * @param metrics where fetches and cache use are counted
 * @param config tuning
 */
public record FetchContext(
    ChunkCache cache,
    FetchScheduler scheduler,
    SingleFlight<Digest, byte[]> flights,
    SnapshotterMetrics metrics,
    FetchConfig config) {

  /** Checks that no part is missing. */
  public FetchContext {
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(flights, "flights");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(config, "config");
  }

  /** A context with a fresh single-flight table. */
  public static FetchContext of(
      ChunkCache cache, FetchScheduler scheduler, SnapshotterMetrics metrics, FetchConfig config) {
    return new FetchContext(cache, scheduler, new SingleFlight<>(), metrics, config);
  }
}
