package dev.thaw.snapshotter.profile;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One image's profile at a glance. Immutable.
 *
 * @param image the image reference
 * @param windowStart when its first file access opened the recording window
 * @param window how long the window lasts ({@link Duration#ZERO}: not recorded)
 * @param files how many distinct files were recorded
 * @param bytesRead the bytes read from them through the mounts
 */
public record ProfileSummary(
    String image, Instant windowStart, Duration window, int files, long bytesRead) {
  /** Validates. */
  public ProfileSummary {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(window, "window");
  }

  /**
   * Whether the daemon may still be recording: the window, plus two flushes, has not passed at
   * {@code now}. An unknown window length counts as still open.
   */
  public boolean mayStillRecord(Instant now, Duration flushInterval) {
    Duration w = window.isZero() ? Duration.ofDays(1) : window;
    return now.isBefore(windowStart.plus(w).plus(flushInterval.multipliedBy(2)));
  }
}
