package dev.thaw.snapshotter.fetch;

import java.time.Duration;

/**
 * Tuning of the fetch path. Immutable.
 *
 * @param onDemandRunBytes the largest Range request an on-demand read coalesces neighbours into
 * @param readAheadBytes how far ahead of a sequential reader chunks are fetched (in compressed
 *     bytes); 0 turns read-ahead off
 * @param readAheadRunBytes the Range size of read-ahead: large, since a streamed range hands out
 *     each chunk as soon as its bytes are in and a registry's per-request cost is paid once per run
 * @param prefetchRunBytes the Range size for the prioritized region fetched at mount
 * @param backgroundRunBytes the Range size for the rest of a layer streaming in
 * @param maxGapBytes the largest gap between two members fetched in one request
 * @param attempts how many times a Range request is tried before the read fails
 * @param retryBackoff the wait before the second attempt; doubled for each further one
 */
public record FetchConfig(
    long onDemandRunBytes,
    long readAheadBytes,
    long readAheadRunBytes,
    long prefetchRunBytes,
    long backgroundRunBytes,
    long maxGapBytes,
    int attempts,
    Duration retryBackoff) {

  /** Validates the values. */
  public FetchConfig {
    if (onDemandRunBytes <= 0
        || readAheadRunBytes <= 0
        || prefetchRunBytes <= 0
        || backgroundRunBytes <= 0) {
      throw new IllegalArgumentException("fetch config: run sizes must be positive");
    }
    if (readAheadBytes < 0 || maxGapBytes < 0) {
      throw new IllegalArgumentException("fetch config: read-ahead and gap must be >= 0");
    }
    if (attempts < 1) {
      throw new IllegalArgumentException("fetch config: attempts " + attempts + " < 1");
    }
    if (retryBackoff.isNegative()) {
      throw new IllegalArgumentException("fetch config: negative retry backoff " + retryBackoff);
    }
  }

  /**
   * Defaults: 4 MiB on demand, 64 MiB read-ahead in 16 MiB ranges, 8 MiB prefetch ranges, 3
   * attempts.
   */
  public static FetchConfig defaults() {
    return new FetchConfig(
        4L << 20, 64L << 20, 16L << 20, 8L << 20, 4L << 20, 64L << 10, 3, Duration.ofMillis(200));
  }

  /** A copy with other retry settings. */
  public FetchConfig withRetries(int attempts, Duration retryBackoff) {
    return new FetchConfig(
        onDemandRunBytes,
        readAheadBytes,
        readAheadRunBytes,
        prefetchRunBytes,
        backgroundRunBytes,
        maxGapBytes,
        attempts,
        retryBackoff);
  }

  /** A copy with another read-ahead window and Range size. */
  public FetchConfig withReadAhead(long readAheadBytes, long readAheadRunBytes) {
    return new FetchConfig(
        onDemandRunBytes,
        readAheadBytes,
        readAheadRunBytes,
        prefetchRunBytes,
        backgroundRunBytes,
        maxGapBytes,
        attempts,
        retryBackoff);
  }

  /** A copy with another read-ahead window. */
  public FetchConfig withReadAheadBytes(long readAheadBytes) {
    return new FetchConfig(
        onDemandRunBytes,
        readAheadBytes,
        readAheadRunBytes,
        prefetchRunBytes,
        backgroundRunBytes,
        maxGapBytes,
        attempts,
        retryBackoff);
  }
}
