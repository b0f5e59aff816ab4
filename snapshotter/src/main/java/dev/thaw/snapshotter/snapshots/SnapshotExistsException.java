package dev.thaw.snapshotter.snapshots;

import java.io.IOException;

/** A snapshot with the requested key or name exists already. gRPC: ALREADY_EXISTS. */
public final class SnapshotExistsException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names the operation and the snapshot. */
  public SnapshotExistsException(String message) {
    super(message);
  }
}
