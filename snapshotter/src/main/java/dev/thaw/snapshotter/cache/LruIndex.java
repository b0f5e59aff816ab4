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
  private final LinkedHashMap<Digest, Long> sizes = new LinkedHashMap<>(256, 0.75f, true);
  private long totalBytes;

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

  /** Forgets a chunk that turned out to be gone (for example deleted behind the cache's back). */
  synchronized void forget(Digest digest) {
    Long size = sizes.remove(digest);
    if (size != null) {
      totalBytes -= size;
    }
  }

  /**
   * Records a stored chunk as most recently used and returns the chunks evicted to make room, in
   * eviction order (never {@code digest} itself). Recording a held chunk again only touches it.
   */
  synchronized List<Digest> add(Digest digest, long size) {
    if (sizes.get(digest) == null) {
      sizes.put(digest, size);
      totalBytes += size;
    }
    List<Digest> evicted = new ArrayList<>();
    Iterator<Map.Entry<Digest, Long>> it = sizes.entrySet().iterator();
    while (totalBytes > capacityBytes && it.hasNext()) {
      Map.Entry<Digest, Long> eldest = it.next();
      if (eldest.getKey().equals(digest)) {
        continue;
      }
      totalBytes -= eldest.getValue();
      evicted.add(eldest.getKey());
      it.remove();
    }
    return evicted;
  }
}
