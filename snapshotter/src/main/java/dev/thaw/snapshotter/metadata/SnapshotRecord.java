package dev.thaw.snapshotter.metadata;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One snapshot as stored in metadata. Immutable.
 *
 * @param id stable numeric id; names the snapshot's directory {@code snapshots/<id>}
 * @param key the key of an active snapshot or view, or the name of a committed snapshot
 * @param parent the name of the committed parent, or {@code ""} for none
 * @param kind the kind
 * @param createdAt when the snapshot was created (or committed)
 * @param updatedAt when the snapshot was last changed
 * @param labels the labels (copied)
 * @param remote whether the snapshot's {@code fs} directory is a lazily mounted remote layer
 * @param size bytes used, recorded at commit (0 for active snapshots and views)
 * @param inodes inodes used, recorded at commit (0 for active snapshots and views)
 */
public record SnapshotRecord(
    long id,
    String key,
    String parent,
    Kind kind,
    Instant createdAt,
    Instant updatedAt,
    Map<String, String> labels,
    boolean remote,
    long size,
    long inodes) {

  /** Validates and copies. */
  public SnapshotRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    labels = Map.copyOf(labels);
    if (key.isEmpty()) {
      throw new IllegalArgumentException("snapshot key must not be empty");
    }
  }

  /** Returns a copy with other labels and update time. */
  public SnapshotRecord withLabels(Map<String, String> newLabels, Instant now) {
    return new SnapshotRecord(
        id, key, parent, kind, createdAt, now, newLabels, remote, size, inodes);
  }
}
