package dev.thaw.image.registry;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The registry-package name of {@link dev.thaw.image.oci.BlobContent}, kept so existing callers
 * compile; new code uses the {@code oci} one (which {@link dev.thaw.image.oci.ImageSink} takes).
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface BlobContent extends dev.thaw.image.oci.BlobContent {
  /** Content held in memory. */
  static BlobContent ofBytes(byte[] bytes) {
    byte[] copy = bytes.clone();
    return () -> new ByteArrayInputStream(copy);
  }

  /** Content of a file. */
  static BlobContent ofFile(Path file) {
    return () -> Files.newInputStream(file);
  }
}
