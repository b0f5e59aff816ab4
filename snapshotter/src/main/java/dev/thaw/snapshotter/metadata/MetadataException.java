package dev.thaw.snapshotter.metadata;

import java.io.IOException;

/** A failure of the metadata store itself (database unreadable, disk full, …). */
public final class MetadataException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message says what was being done. */
  public MetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
