package dev.thaw.image.toc;

/**
 * A name in a {@link TocIndex}: a directory, a file, a link or a device, with a stable inode
 * number. A hardlink's node carries its target's entry and inode under its own name.
 *
 * <p>Immutable.
 */
public final class TocNode {
  private final String path;
  private final TocEntry entry;
  private final long inode;
  private final int linkCount;

  TocNode(String path, TocEntry entry, long inode, int linkCount) {
    this.path = path;
    this.entry = entry;
    this.inode = inode;
    this.linkCount = linkCount;
  }

  /** The normalized path, {@code ""} for the root. */
  public String path() {
    return path;
  }

  /** The last path segment, {@code ""} for the root. */
  public String name() {
    return TocPaths.baseName(path);
  }

  /** The entry (for a hardlink: the target's entry; for a synthesized directory: a 0755 dir). */
  public TocEntry entry() {
    return entry;
  }

  /** The inode number: 1 for the root, stable for one TOC; hardlinks share their target's. */
  public long inode() {
    return inode;
  }

  /** Names of this inode (files), or 2 + subdirectories (directories). */
  public int linkCount() {
    return linkCount;
  }

  /** Whether the entry is a directory. */
  public boolean isDirectory() {
    return entry.type() == TocEntryType.DIR;
  }

  /** Whether the entry is a regular file (hardlinks to regular files included). */
  public boolean isRegularFile() {
    return entry.type() == TocEntryType.REG;
  }

  @Override
  public String toString() {
    return "'" + path + "' (inode " + inode + ", " + entry.type().jsonName() + ")";
  }
}
