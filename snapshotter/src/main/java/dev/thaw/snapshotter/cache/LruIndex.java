package dev.thaw.snapshotter.cache;

import dev.thaw.image.oci.Digest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping shared by the chunk caches: which chunks are held, their sizes, their use order,
 * and which to evict to stay within a byte bound.
 *
 * <p>Thread-safe: every method synchronizes on this index; none does I/O.
 */
final class LruIndex {
  private final long capacityBytes;
  private final LinkedHashMap<Digest, Held> sizes = new LinkedHashMap<>(256, 0.75f, true);
  private long totalBytes;
  private long reservedBytes;

  /** One held chunk: its size, and when its use was last stamped where it persists. */
  private static final class Held {
    final long size;
    long stampedAtMillis = Long.MIN_VALUE;

    Held(long size) {
      this.size = size;
    }
  }

  LruIndex(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("chunk cache capacity " + capacityBytes + " < 0");
    }
    this.capacityBytes = capacityBytes;
  }

  long capacityBytes() {
    return capacityBytes;
  }

  synchronized long totalBytes() {
    return totalBytes;
  }

  synchronized int count() {
    return sizes.size();
  }

  synchronized boolean contains(Digest digest) {
    return sizes.containsKey(digest);
  }

  /** Marks a use; returns whether the chunk is held. */
  synchronized boolean touch(Digest digest) {
    return sizes.get(digest) != null;
  }

  /**
   * Marks a use, and returns whether the chunk is held and its use was not stamped within {@code
   * intervalMillis} before {@code nowMillis}; if so, records {@code nowMillis} as its stamp (the
   * caller stamps it, e.g. on the chunk file's modification time, so the use order survives a
   * restart without a stat per read).
   */
  synchronized boolean stampDue(Digest digest, long nowMillis, long intervalMillis) {
    Held held = sizes.get(digest);
    if (held == null
        || (held.stampedAtMillis != Long.MIN_VALUE
            && nowMillis - held.stampedAtMillis < intervalMillis)) {
      return false;
    }
    held.stampedAtMillis = nowMillis;
    return true;
  }

  /** Forgets a chunk that turned out to be gone (for example deleted behind the cache's back). */
  synchronized void forget(Digest digest) {
    Held held = sizes.remove(digest);
    if (held != null) {
      totalBytes -= held.size;
    }
  }

  /**
   * Reserves room for a chunk about to be written, so that files being written count against the
   * bound too; returns the chunks evicted to make room. Follow with {@link #add} (passing {@code
   * reserved = size}) or {@link #release}.
   */
  synchronized List<Digest> reserve(long size) {
    reservedBytes += size;
    return evict(null);
  }

  /** Gives back a reservation whose write failed. */
  synchronized void release(long size) {
    reservedBytes -= size;
  }

  /**
   * Records a stored chunk as most recently used and returns the chunks evicted to make room, in
   * eviction order (never {@code digest} itself). Recording a held chunk again only touches it.
   */
  synchronized List<Digest> add(Digest digest, long size) {
    return add(digest, size, 0);
  }

  /** As {@link #add(Digest, long)}, converting a reservation of {@code reserved} bytes. */
  synchronized List<Digest> add(Digest digest, long size, long reserved) {
    reservedBytes -= reserved;
    if (sizes.get(digest) == null) {
      sizes.put(digest, new Held(size));
      totalBytes += size;
    }
    return evict(digest);
  }

  private List<Digest> evict(Digest keep) {
    List<Digest> evicted = new ArrayList<>();
    Iterator<Map.Entry<Digest, Held>> it = sizes.entrySet().iterator();
    while (totalBytes + reservedBytes > capacityBytes && it.hasNext()) {
      Map.Entry<Digest, Held> eldest = it.next();
      if (eldest.getKey().equals(keep)) {
        continue;
      }
      totalBytes -= eldest.getValue().size;
      evicted.add(eldest.getKey());
      it.remove();
    }
    return evicted;
  }
}
