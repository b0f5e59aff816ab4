package dev.thaw.snapshotter.snapshots;

import java.io.IOException;

/** A remote layer under the snapshot cannot serve reads now. gRPC: UNAVAILABLE. */
public final class SnapshotUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names the operation and the snapshot. */
  public SnapshotUnavailableException(String message) {
    super(message);
  }
}
