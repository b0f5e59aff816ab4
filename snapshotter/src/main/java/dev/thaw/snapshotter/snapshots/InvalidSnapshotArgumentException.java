package dev.thaw.snapshotter.snapshots;

import java.io.IOException;

/**
 * A request argument is malformed (empty key, oversized label, bad filter or field path). gRPC:
 * INVALID_ARGUMENT.
 */
public final class InvalidSnapshotArgumentException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names the operation and the snapshot. */
  public InvalidSnapshotArgumentException(String message) {
    super(message);
  }
}
