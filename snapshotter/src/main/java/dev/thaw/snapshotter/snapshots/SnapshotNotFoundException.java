package dev.thaw.snapshotter.snapshots;

import java.io.IOException;

/** A snapshot (or the parent) named in a request does not exist. gRPC: NOT_FOUND. */
public final class SnapshotNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message names the operation and the snapshot. */
  public SnapshotNotFoundException(String message) {
    super(message);
  }
}
