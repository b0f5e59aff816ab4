package dev.thaw.snapshotter.fetch;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether a mounted layer can currently be read: unhealthy after a fetch failed for good, healthy
 * again after the next successful fetch. containerd sees this through {@code Mounts}.
 *
 * <p>Thread-safe.
 */
public final class LayerHealth {
  /** A failure remembered for reporting. */
  public record Failure(Instant at, String message) {}

  private volatile Failure lastFailure;
  private volatile boolean healthy = true;

  /** Whether the last fetch of the layer succeeded (or none failed yet). */
  public boolean healthy() {
    return healthy;
  }

  /** The most recent failure, even if the layer has recovered since. */
  public Optional<Failure> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  void failed(Throwable t) {
    lastFailure = new Failure(Instant.now(), String.valueOf(t.getMessage()));
    healthy = false;
  }

  void succeeded() {
    healthy = true;
  }
}
