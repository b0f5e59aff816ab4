package dev.thaw.snapshotter.snapshots;

import java.nio.file.Path;
import java.util.Objects;

/** What a {@link RemoteLayerPreparer} did with one layer. Immutable. */
public sealed interface RemotePrepareOutcome {

  /**
   * The layer is mounted lazily at {@code mountpoint}; the snapshotter commits it and answers
   * ALREADY_EXISTS so containerd skips downloading the blob.
   *
   * @param mountpoint the request's mountpoint, now serving the layer
   */
  record Mounted(Path mountpoint) implements RemotePrepareOutcome {
    /** Validates. */
    public Mounted {
      Objects.requireNonNull(mountpoint, "mountpoint");
    }
  }

  /**
   * The layer cannot be served lazily; nothing is mounted. The snapshotter logs {@code
   * remote-snapshot-prepared=false reason=…} and returns ordinary mounts, so containerd pulls it.
   *
   * @param reason one line saying why, e.g. {@code "no TOC digest label"}
   */
  record Fallback(String reason) implements RemotePrepareOutcome {
    /** Validates. */
    public Fallback {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
