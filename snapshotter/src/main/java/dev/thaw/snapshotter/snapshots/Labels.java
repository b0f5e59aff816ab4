package dev.thaw.snapshotter.snapshots;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Label rules shared by every snapshot operation. */
final class Labels {

  /** containerd's limit: key and value of one label together, in bytes. */
  static final int MAX_SIZE = 4096;

  /** The label containerd's unpacker sets to the chainID a prepared layer will be committed as. */
  static final String TARGET_REF = "containerd.io/snapshot.ref";

  private Labels() {}

  /** Rejects a label whose key and value exceed {@link #MAX_SIZE} bytes, as containerd does. */
  static void validate(String operation, Map<String, String> labels)
      throws InvalidSnapshotArgumentException {
    for (Map.Entry<String, String> e : labels.entrySet()) {
      int size =
          e.getKey().getBytes(StandardCharsets.UTF_8).length
              + e.getValue().getBytes(StandardCharsets.UTF_8).length;
      if (size > MAX_SIZE) {
        throw new InvalidSnapshotArgumentException(
            operation
                + ": label key and value greater than maximum size ("
                + MAX_SIZE
                + " bytes), key: "
                + e.getKey().substring(0, Math.min(64, e.getKey().length())));
      }
    }
  }
}
