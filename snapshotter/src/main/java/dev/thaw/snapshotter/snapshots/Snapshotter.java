package dev.thaw.snapshotter.snapshots;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * containerd's snapshotter contract, in Java. Implementations are thread-safe; every method blocks
 * until its change is durable. Failures are reported with the exception types of this package
 * ({@link SnapshotNotFoundException}, {@link SnapshotExistsException}, {@link
 * SnapshotPreconditionException}, {@link InvalidSnapshotArgumentException}, {@link
 * SnapshotUnavailableException}); anything else is an internal failure.
 */
public interface Snapshotter extends AutoCloseable {

  /**
   * Creates an active snapshot {@code key} on top of the committed {@code parent} ({@code ""} for
   * none) and returns the mounts that make it writable.
   */
  List<Mount> prepare(String key, String parent, Map<String, String> labels) throws IOException;

  /** Creates a read-only view {@code key} of the committed {@code parent}. */
  List<Mount> view(String key, String parent, Map<String, String> labels) throws IOException;

  /** The mounts of an active snapshot or view. */
  List<Mount> mounts(String key) throws IOException;

  /** Commits the active snapshot {@code key} as {@code name}; {@code key} ceases to exist. */
  void commit(String name, String key, Map<String, String> labels) throws IOException;

  /** Removes a snapshot that has no children. */
  void remove(String key) throws IOException;

  /** The info of one snapshot. */
  SnapshotInfo stat(String key) throws IOException;

  /**
   * Updates the mutable fields of {@code info.name()}: {@code labels} (replace all) or {@code
   * labels.KEY} (set or, if absent from {@code info}, delete one). No paths = all labels.
   */
  SnapshotInfo update(SnapshotInfo info, List<String> fieldPaths) throws IOException;

  /** Every snapshot matching any of {@code filters} (containerd filter syntax), or all if none. */
  List<SnapshotInfo> list(List<String> filters) throws IOException;

  /** Disk usage of the snapshot's own layer. */
  Usage usage(String key) throws IOException;

  /** Removes directories no snapshot refers to any more (left by crashes or removes). */
  void cleanup() throws IOException;

  /** Unmounts remote layers and closes the store. */
  @Override
  void close() throws IOException;
}
