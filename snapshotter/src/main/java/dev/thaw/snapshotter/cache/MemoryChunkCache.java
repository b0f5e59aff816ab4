package dev.thaw.snapshotter.cache;

import dev.thaw.image.oci.Digest;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ChunkCache} in heap memory, bounded and LRU like the disk cache. For tests, benchmarks
 * and a node without a cache directory; nothing survives a restart.
 *
 * <p>Thread-safe.
 */
public final class MemoryChunkCache implements ChunkCache {
  private final LruIndex index;
  private final ConcurrentHashMap<Digest, byte[]> chunks = new ConcurrentHashMap<>();

  /** An empty cache holding at most {@code capacityBytes} bytes of chunks. */
  public MemoryChunkCache(long capacityBytes) {
    this.index = new LruIndex(capacityBytes);
  }

  @Override
  public boolean read(Digest digest, long offset, ByteBuffer dst) {
    byte[] bytes = chunks.get(digest);
    if (bytes == null) {
      return false;
    }
    index.touch(digest);
    ChunkCopies.copy(digest, bytes, offset, dst);
    return true;
  }

  @Override
  public Optional<byte[]> get(Digest digest) {
    byte[] bytes = chunks.get(digest);
    if (bytes != null) {
      index.touch(digest);
    }
    return Optional.ofNullable(bytes);
  }

  @Override
  public boolean contains(Digest digest) {
    return chunks.containsKey(digest);
  }

  @Override
  public void put(Digest digest, byte[] bytes) {
    if (bytes.length > index.capacityBytes()) {
      return;
    }
    synchronized (index) {
      chunks.putIfAbsent(digest, bytes);
      for (Digest evicted : index.add(digest, bytes.length)) {
        chunks.remove(evicted);
      }
    }
  }

  @Override
  public long sizeBytes() {
    return index.totalBytes();
  }

  @Override
  public int chunkCount() {
    return index.count();
  }

  @Override
  public long capacityBytes() {
    return index.capacityBytes();
  }
}
