package dev.thaw.snapshotter.snapshots;

import dev.thaw.snapshotter.metadata.Kind;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What containerd sees of a snapshot. Immutable.
 *
 * @param name the key (active, view) or name (committed)
 * @param parent the committed parent's name, {@code ""} for none
 * @param kind the kind
 * @param createdAt creation time
 * @param updatedAt last change
 * @param labels labels (copied)
 */
public record SnapshotInfo(
    String name,
    String parent,
    Kind kind,
    Instant createdAt,
    Instant updatedAt,
    Map<String, String> labels) {

  /** Validates and copies. */
  public SnapshotInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    labels = Map.copyOf(labels);
  }
}
