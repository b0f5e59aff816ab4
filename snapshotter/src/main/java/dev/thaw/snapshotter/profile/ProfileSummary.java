package dev.thaw.snapshotter.profile;

import java.time.Instant;
import java.util.Objects;

/**
 * One image's profile at a glance. Immutable.
 *
 * @param image the image reference
 * @param windowStart when its first file access opened the recording window
 * @param files how many distinct files were recorded
 * @param bytesRead the bytes read from them through the mounts
 */
public record ProfileSummary(String image, Instant windowStart, int files, long bytesRead) {
  /** Validates. */
  public ProfileSummary {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(windowStart, "windowStart");
  }
}
