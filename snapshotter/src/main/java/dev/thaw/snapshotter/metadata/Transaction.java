package dev.thaw.snapshotter.metadata;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operations available inside one metadata transaction. Confined to the thread running the
 * transaction; invalid once the transaction ends.
 */
public interface Transaction {

  /** Looks up a snapshot by key (active, view) or name (committed). */
  Optional<SnapshotRecord> get(String key) throws IOException;

  /**
   * Inserts a new snapshot and returns it with its new id.
   *
   * @throws IOException if the key exists already or the store fails
   */
  SnapshotRecord insert(
      String key, String parent, Kind kind, Instant now, Map<String, String> labels)
      throws IOException;

  /** Replaces a stored snapshot (matched by id) with {@code record}, key included. */
  void update(SnapshotRecord record) throws IOException;

  /** Deletes the snapshot with this key; returns whether it existed. */
  boolean delete(String key) throws IOException;

  /** Counts the snapshots whose parent is {@code name}. */
  int childCount(String name) throws IOException;

  /** Every snapshot, ordered by id. */
  List<SnapshotRecord> all() throws IOException;
}
