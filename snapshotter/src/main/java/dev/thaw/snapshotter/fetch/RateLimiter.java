package dev.thaw.snapshotter.fetch;

import java.util.concurrent.TimeUnit;

/**
 * A byte-rate limiter: {@link #acquire} blocks until the bytes fit within the rate. Bursts of up to
 * one second's worth pass without waiting; a single acquisition larger than that waits
 * proportionally afterwards (the debt is paid by the next caller).
 *
 * <p>Thread-safe.
 */
public final class RateLimiter {
  private final long bytesPerSecond;
  private long nextFreeNanos;

  /** A limiter of {@code bytesPerSecond}; 0 or less means unlimited. */
  public RateLimiter(long bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    this.nextFreeNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
  }

  /** A limiter that never waits. */
  public static RateLimiter unlimited() {
    return new RateLimiter(0);
  }

  /** The configured rate; 0 or less means unlimited. */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /**
   * Takes {@code bytes} from the budget, waiting while the budget is in debt.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void acquire(long bytes) throws InterruptedException {
    if (bytesPerSecond <= 0) {
      return;
    }
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long burstFloor = now - TimeUnit.SECONDS.toNanos(1);
      if (nextFreeNanos < burstFloor) {
        nextFreeNanos = burstFloor;
      }
      wait = Math.max(0, nextFreeNanos - now);
      nextFreeNanos += bytes * 1_000_000_000L / bytesPerSecond;
    }
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
