package dev.thaw.snapshotter.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/**
 * The snapshotter's Prometheus metrics, registered in one {@link PrometheusRegistry}:
 *
 * <ul>
 *   <li>{@code thaw_fetch_bytes_total{class}}: compressed bytes fetched from registries, by class
 *       ({@code on-demand}, {@code prefetch}, {@code background}).
 *   <li>{@code thaw_fetch_requests_total{class}} and {@code thaw_fetch_seconds{class}}: range
 *       requests and their latency.
 *   <li>{@code thaw_fetch_failures_total}: range requests that failed after retries.
 *   <li>{@code thaw_cache_hits_total}, {@code thaw_cache_misses_total}, {@code thaw_cache_bytes},
 *       {@code thaw_cache_chunks}: the chunk cache.
 *   <li>{@code thaw_remote_prepares_total{result}}: remote prepares that {@code succeeded} or
 *       {@code fell-back}.
 *   <li>{@code thaw_mount_first_read_seconds}: time from a lazy mount to its first read.
 *   <li>{@code thaw_fuse_operation_seconds{op}}: FUSE operation latency.
 *   <li>{@code thaw_profile_files_total}, {@code thaw_profile_flush_failures_total}: files written
 *       to start-up profiles, and profile batches lost to a store failure.
 * </ul>
 *
 * <p>Thread-safe. Each instance registers its metrics once; use one per registry.
 */
public final class SnapshotterMetrics {
  private final PrometheusRegistry registry;
  private final Counter bytesFetched;
  private final Counter requests;
  private final Counter failures;
  private final Histogram fetchSeconds;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Counter remotePrepares;
  private final Histogram firstReadSeconds;
  private final Histogram fuseSeconds;
  private final Counter profileFiles;
  private final Counter profileFlushFailures;

  /** Registers every metric in {@code registry}. */
  public SnapshotterMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    bytesFetched =
        Counter.builder()
            .name("thaw_fetch_bytes_total")
            .help("Compressed bytes fetched from registries, by fetch class")
            .labelNames("class")
            .register(registry);
    requests =
        Counter.builder()
            .name("thaw_fetch_requests_total")
            .help("Range requests made to registries, by fetch class")
            .labelNames("class")
            .register(registry);
    failures =
        Counter.builder()
            .name("thaw_fetch_failures_total")
            .help("Range fetches that failed after retries")
            .register(registry);
    fetchSeconds =
        Histogram.builder()
            .name("thaw_fetch_seconds")
            .help("Latency of one range fetch including decompression and verification")
            .labelNames("class")
            .classicOnly()
            .classicExponentialUpperBounds(0.001, 2, 16)
            .register(registry);
    cacheHits =
        Counter.builder()
            .name("thaw_cache_hits_total")
            .help("Chunk reads served from the chunk cache")
            .register(registry);
    cacheMisses =
        Counter.builder()
            .name("thaw_cache_misses_total")
            .help("Chunk reads that had to wait for a fetch")
            .register(registry);
    remotePrepares =
        Counter.builder()
            .name("thaw_remote_prepares_total")
            .help("Prepares of remote layers, by result (succeeded, fell-back)")
            .labelNames("result")
            .register(registry);
    firstReadSeconds =
        Histogram.builder()
            .name("thaw_mount_first_read_seconds")
            .help("Time from a lazy mount to its first read")
            .classicOnly()
            .classicExponentialUpperBounds(0.001, 2, 20)
            .register(registry);
    fuseSeconds =
        Histogram.builder()
            .name("thaw_fuse_operation_seconds")
            .help("Latency of FUSE operations, by operation")
            .labelNames("op")
            .classicOnly()
            .classicExponentialUpperBounds(0.00001, 2, 20)
            .register(registry);
    profileFiles =
        Counter.builder()
            .name("thaw_profile_files_total")
            .help("Files written to start-up profiles (first opens within an image's window)")
            .register(registry);
    profileFlushFailures =
        Counter.builder()
            .name("thaw_profile_flush_failures_total")
            .help("Start-up profile batches dropped because the profile store failed")
            .register(registry);
  }

  /** A fresh registry with the metrics; for tests and tools. */
  public static SnapshotterMetrics inNewRegistry() {
    return new SnapshotterMetrics(new PrometheusRegistry());
  }

  /** The registry the metrics live in, for an exporter. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Records one completed range fetch of {@code bytes} compressed bytes. */
  public void fetched(String fetchClass, long bytes, long nanos) {
    bytesFetched.labelValues(fetchClass).inc(bytes);
    requests.labelValues(fetchClass).inc();
    fetchSeconds.labelValues(fetchClass).observe(nanos / 1e9);
  }

  /** Records a range fetch that failed for good. */
  public void fetchFailed() {
    failures.inc();
  }

  /** Compressed bytes fetched so far in {@code fetchClass}. */
  public long bytesFetched(String fetchClass) {
    return (long) bytesFetched.labelValues(fetchClass).get();
  }

  /** Range requests made so far in {@code fetchClass}. */
  public long requests(String fetchClass) {
    return (long) requests.labelValues(fetchClass).get();
  }

  /** Records a chunk read served from the cache. */
  public void cacheHit() {
    cacheHits.inc();
  }

  /** Records a chunk read that missed the cache. */
  public void cacheMiss() {
    cacheMisses.inc();
  }

  /** Cache hits so far. */
  public long cacheHits() {
    return (long) cacheHits.get();
  }

  /** Cache misses so far. */
  public long cacheMisses() {
    return (long) cacheMisses.get();
  }

  /** Exposes the chunk cache's size and chunk count, read when scraped. Call at most once. */
  public void watchCache(LongSupplier bytes, LongSupplier chunks) {
    GaugeWithCallback.builder()
        .name("thaw_cache_bytes")
        .help("Bytes held by the chunk cache")
        .callback(cb -> cb.call(bytes.getAsLong()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("thaw_cache_chunks")
        .help("Chunks held by the chunk cache")
        .callback(cb -> cb.call(chunks.getAsLong()))
        .register(registry);
  }

  /** Records a remote prepare that mounted the layer lazily. */
  public void remotePrepareSucceeded() {
    remotePrepares.labelValues("succeeded").inc();
  }

  /** Records a remote prepare that fell back to a normal pull. */
  public void remotePrepareFellBack() {
    remotePrepares.labelValues("fell-back").inc();
  }

  /** Remote prepares so far with {@code result} ({@code succeeded} or {@code fell-back}). */
  public long remotePrepares(String result) {
    return (long) remotePrepares.labelValues(result).get();
  }

  /** Records the time from a mount to its first read. */
  public void firstRead(long nanosSinceMount) {
    firstReadSeconds.observe(nanosSinceMount / 1e9);
  }

  /** Records {@code files} files written to start-up profiles. */
  public void profileFilesRecorded(int files) {
    profileFiles.inc(files);
  }

  /** Files written to start-up profiles so far. */
  public long profileFilesRecorded() {
    return (long) profileFiles.get();
  }

  /** Records a profile batch dropped because the store failed. */
  public void profileFlushFailed() {
    profileFlushFailures.inc();
  }

  /** Profile batches dropped so far. */
  public long profileFlushFailures() {
    return (long) profileFlushFailures.get();
  }

  /** Records one FUSE operation's latency. */
  public void fuseOperation(String op, long nanos) {
    fuseSeconds.labelValues(op).observe(nanos / 1e9);
  }
}
