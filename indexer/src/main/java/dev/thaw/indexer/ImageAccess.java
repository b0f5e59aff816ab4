package dev.thaw.indexer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens image references for reading and pushing, with the registry settings of the command line.
 *
 * <p>Immutable.
 */
final class ImageAccess {
  private final List<String> insecureRegistries;
  private final Path dockerConfig;

  ImageAccess(List<String> insecureRegistries, Path dockerConfig) {
    this.insecureRegistries = List.copyOf(insecureRegistries);
    this.dockerConfig = dockerConfig;
  }

  /** Opens {@code reference} to read. */
  ImageInput open(String reference) throws IOException {
    throw new IOException(
        "open "
            + reference
            + ": registry access is not wired yet"
            + insecureRegistries
            + dockerConfig);
  }

  /** Opens {@code reference} to push to. */
  ImageOutput openForPush(String reference) throws IOException {
    throw new IOException("open " + reference + " for push: registry access is not wired yet");
  }
}
