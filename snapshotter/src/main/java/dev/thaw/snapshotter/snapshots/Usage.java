package dev.thaw.snapshotter.snapshots;

/**
 * Disk usage of a snapshot's own directory (not its parents). Immutable.
 *
 * @param size bytes (allocated blocks, hardlinks counted once)
 * @param inodes distinct inodes
 */
public record Usage(long size, long inodes) {

  /** Validates. */
  public Usage {
    if (size < 0 || inodes < 0) {
      throw new IllegalArgumentException("usage must not be negative: " + size + ", " + inodes);
    }
  }
}
