package dev.thaw.image.registry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a request is retried on 5xx, 429 and I/O errors: at most {@code
 * maxAttempts} tries in all, sleeping a random time between half and all of {@code initialBackoff *
 * 2^(attempt-1)}, capped at {@code maxBackoff}, between them.
 *
 * <p>Immutable.
 *
 * @param maxAttempts total tries, at least 1
 * @param initialBackoff the cap of the first sleep
 * @param maxBackoff the cap of any sleep (also of a server's {@code Retry-After})
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  /** Validates. */
  public RetryPolicy {
    if (maxAttempts < 1
        || initialBackoff.isNegative()
        || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "retry policy: need maxAttempts >= 1 and 0 <= initialBackoff <= maxBackoff");
    }
  }

  /** Five tries, 200 ms growing to at most 5 s. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5));
  }

  /** One try, no retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /** The sleep before try {@code attempt + 1}, after {@code attempt} (1-based) failed tries. */
  Duration backoff(int attempt) {
    long cap = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    cap = Math.min(Math.max(cap, 0), maxBackoff.toMillis());
    return Duration.ofMillis(cap == 0 ? 0 : ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
  }
}
