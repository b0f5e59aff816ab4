package dev.thaw.image.oci;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes to push, openable more than once (a retried upload starts over). Implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface BlobContent {
  /** A fresh stream over the whole blob; the caller closes it. */
  InputStream open() throws IOException;

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
