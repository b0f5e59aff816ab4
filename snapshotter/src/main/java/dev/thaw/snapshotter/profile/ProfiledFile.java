package dev.thaw.snapshotter.profile;

import java.time.Instant;
import java.util.Objects;

/**
 * One file of an image's start-up profile. Immutable.
 *
 * @param image the image reference (canonical, as {@code RegistryReference} prints it)
 * @param path the absolute path inside the image, e.g. {@code /usr/bin/python3}
 * @param firstAccess when a container first opened it
 * @param layer the digest of the layer it was read from
 * @param bytesRead bytes read from it through the mount (page-cache hits excluded)
 */
public record ProfiledFile(
    String image, String path, Instant firstAccess, String layer, long bytesRead) {

  /** Validates. */
  public ProfiledFile {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(firstAccess, "firstAccess");
    Objects.requireNonNull(layer, "layer");
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(
          "profiled file of " + image + ": path '" + path + "' is not absolute");
    }
    if (bytesRead < 0) {
      throw new IllegalArgumentException(
          "profiled file " + path + ": bytesRead " + bytesRead + " < 0");
    }
  }
}
