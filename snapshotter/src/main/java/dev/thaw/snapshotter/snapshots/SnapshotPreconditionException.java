package dev.thaw.snapshotter.snapshots;

import java.io.IOException;

/**
 * The snapshot is in the wrong state for the operation (not active, has children). gRPC:
 * FAILED_PRECONDITION.
 */
public final class SnapshotPreconditionException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names the operation and the snapshot. */
  public SnapshotPreconditionException(String message) {
    super(message);
  }
}
