package dev.thaw.fuse;

import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocNode;
import dev.thaw.image.toc.TocPaths;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per-mount access state for an {@link AccessObserver}: which regular files have been opened (one
 * slot per inode) and how many bytes were read from each. Lock-free: an open is a volatile read
 * and, the first time per {@link AccessObserver#generation()}, one compare-and-set (and, once per
 * file, one {@link AccessedFile}); a read is one atomic add into a preallocated array, without
 * allocation.
 *
 * <p>Thread-safe.
 */
final class AccessTracker {
  private static final System.Logger LOG = System.getLogger(AccessTracker.class.getName());

  private final AccessObserver observer;
  private final AtomicReferenceArray<AccessedFile> opened;
  private final AtomicIntegerArray reported;
  private final AtomicLongArray bytesRead;

  private AccessTracker(AccessObserver observer, int slots) {
    this.observer = observer;
    this.opened = new AtomicReferenceArray<>(slots);
    this.reported = new AtomicIntegerArray(slots);
    this.bytesRead = new AtomicLongArray(slots);
  }

  /**
   * A tracker sized for {@code index}'s inodes, or null when {@code observer} is {@link
   * AccessObserver#NONE}.
   */
  static AccessTracker forIndex(TocIndex index, AccessObserver observer) {
    if (observer == AccessObserver.NONE) {
      return null;
    }
    long max = 0;
    for (TocNode node : index.nodes()) {
      max = Math.max(max, node.inode());
    }
    if (max >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("track accesses: inode " + max + " too large");
    }
    return new AccessTracker(observer, (int) max + 1);
  }

  /**
   * Records an open of regular file {@code file}; tells the observer if it is the first in the
   * observer's current generation.
   */
  void opened(TocNode file) {
    int slot = (int) file.inode();
    // reported[slot] holds generation + 1 of the last report; 0 = never reported
    int want = observer.generation() + 1;
    int had = reported.get(slot);
    if (had == want || !reported.compareAndSet(slot, had, want)) {
      return;
    }
    AccessedFile f = opened.get(slot);
    if (f == null) {
      AccessedFile created =
          new AccessedFile(
              "/" + TocPaths.normalize(file.entry().name()).orElse(file.path()),
              file.entry().size(),
              () -> bytesRead.get(slot));
      f = opened.compareAndSet(slot, null, created) ? created : opened.get(slot);
    }
    try {
      observer.opened(f);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "access observer failed on " + f.path(), e);
    }
  }

  /** Counts {@code n} bytes read from the file with inode {@code inode}. */
  void read(long inode, int n) {
    bytesRead.getAndAdd((int) inode, n);
  }
}
