package dev.thaw.fuse;

import dev.thaw.image.toc.TocChunk;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a mounted layer's file bytes come from: the verified, uncompressed bytes of one chunk of
 * the layer's TOC. The FUSE file system maps every {@code read(2)} to one call per overlapped
 * chunk; it never sees compressed bytes, blobs or registries.
 *
 * <p>Implementations must be thread-safe (FUSE calls from several worker threads at once) and may
 * block (on a fetch, a cache, a disk). They must never return a byte that was not verified against
 * {@link TocChunk#chunkDigest()}.
 */
public interface ChunkSource {
  /**
   * Fills {@code dst} from its position to its limit with the uncompressed bytes of {@code chunk}
   * starting at {@code offsetInChunk}, and advances the position to the limit.
   *
   * <p>Preconditions (violations throw {@link IllegalArgumentException}): {@code 0 <=
   * offsetInChunk} and {@code offsetInChunk + dst.remaining() <= chunk.size()}. {@code dst} may be
   * a heap or a direct buffer; the caller owns it and it is not retained after the call returns. A
   * zero-length read returns at once.
   *
   * <p>Blocks until the bytes are there or the read failed.
   *
   * @param chunk a chunk of the layer this source serves
   * @param offsetInChunk offset of the first wanted byte, relative to the chunk's start
   * @param dst where the bytes go
   * @throws IOException if the bytes cannot be obtained or fail verification (e.g. a {@code
   *     ChunkDigestMismatchException}); the message names the chunk; {@code dst}'s content is then
   *     unspecified. An {@link java.io.InterruptedIOException} if interrupted.
   */
  void read(TocChunk chunk, long offsetInChunk, ByteBuffer dst) throws IOException;

  /**
   * Checks the preconditions of {@link #read}; for implementations.
   *
   * @throws IllegalArgumentException if the range is outside the chunk
   */
  static void checkRange(TocChunk chunk, long offsetInChunk, ByteBuffer dst) {
    if (offsetInChunk < 0 || offsetInChunk + dst.remaining() > chunk.size()) {
      throw new IllegalArgumentException(
          "read "
              + dst.remaining()
              + " bytes at offset "
              + offsetInChunk
              + " of "
              + chunk
              + ": outside the chunk's "
              + chunk.size()
              + " bytes");
    }
  }
}
