package dev.thaw.snapshotter.metadata;

/**
 * The kind of a snapshot, as containerd names it. Immutable.
 *
 * <p>An <em>active</em> snapshot is writable and identified by its key; a <em>view</em> is a
 * read-only active snapshot; a <em>committed</em> snapshot is immutable, identified by its name and
 * may be the parent of others.
 */
public enum Kind {
  /** A read-only snapshot of a committed parent, identified by its key. */
  VIEW,
  /** A writable snapshot, identified by its key, that may be committed. */
  ACTIVE,
  /** An immutable snapshot, identified by its name, usable as a parent. */
  COMMITTED
}
