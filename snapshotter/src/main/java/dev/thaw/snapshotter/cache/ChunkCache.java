package dev.thaw.snapshotter.cache;

import dev.thaw.image.oci.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A content-addressed store of verified, uncompressed chunks, keyed by the chunk's digest (the
 * TOC's {@code chunkDigest}). Because the key is the content's digest, one stored chunk serves
 * every layer and image that contains the same bytes, and two writers of one key can only ever
 * write identical bytes: losing a race to another writer is success.
 *
 * <p>Contract for implementers (checked by {@code ChunkCacheContractTest}):
 *
 * <ul>
 *   <li>{@link #put} is idempotent; after it returns, the chunk is readable until evicted.
 *   <li>The cache never holds more than {@link #capacityBytes()} bytes of chunks once a call
 *       returns; it evicts least recently used chunks first. A chunk larger than the capacity is
 *       not stored.
 *   <li>A miss is not an error: {@link #read} returns {@code false} and {@link #get} an empty
 *       optional.
 * </ul>
 *
 * <p>Implementations are thread-safe; calls block on local I/O only.
 */
public interface ChunkCache extends AutoCloseable {

  /**
   * Copies the chunk's bytes from {@code offset} into {@code dst}: {@code min(dst.remaining(), size
   * - offset)} bytes, advancing {@code dst}'s position. Counts as a use for LRU.
   *
   * @return {@code false} if the chunk is not cached (then {@code dst} is unchanged)
   * @throws IllegalArgumentException if {@code offset} is negative or past the chunk's end
   * @throws IOException if the cached chunk exists but cannot be read
   */
  boolean read(Digest digest, long offset, ByteBuffer dst) throws IOException;

  /**
   * The whole chunk, or empty on a miss. Counts as a use for LRU.
   *
   * @throws IOException if the cached chunk exists but cannot be read
   */
  Optional<byte[]> get(Digest digest) throws IOException;

  /** Whether the chunk is cached now. Does not count as a use. */
  boolean contains(Digest digest);

  /**
   * Stores a chunk. Precondition: {@code bytes} has been verified to hash to {@code digest}; the
   * cache does not hash again. Idempotent; may evict other chunks to stay within the capacity.
   *
   * @throws IOException if the chunk cannot be written; nothing partial becomes visible
   */
  void put(Digest digest, byte[] bytes) throws IOException;

  /** Bytes of chunks currently held. */
  long sizeBytes();

  /** Number of chunks currently held. */
  int chunkCount();

  /** The bound on {@link #sizeBytes()}. */
  long capacityBytes();

  /** Releases resources; stored chunks stay on disk for the next open. */
  @Override
  default void close() throws IOException {}
}
