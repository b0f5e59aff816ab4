package dev.thaw.snapshotter.fetch;

import dev.thaw.image.toc.TocChunk;
import java.io.IOException;

/**
 * Turns a chunk's compressed member into its verified uncompressed bytes, for one layer format
 * (gzip members for eStargz, zstd frames for zstd:chunked).
 *
 * <p>Implementations are thread-safe and stateless between calls.
 */
public interface ChunkCodec {
  /**
   * Decompresses the member holding {@code chunk} and returns exactly the chunk's {@code size}
   * bytes (starting at its {@code innerOffset} in the member), in a new array.
   *
   * @param buffer holds the blob bytes {@code [chunk.compressedOffset(), chunk.compressedEnd())} in
   *     its first {@code length} bytes; the fetch path reuses it for the next member, so it is not
   *     retained
   * @throws IOException if the member is not valid compressed data or too short; the message names
   *     the chunk
   */
  byte[] decompress(byte[] buffer, int length, TocChunk chunk) throws IOException;

  /**
   * Checks {@code uncompressed} against {@code chunk.chunkDigest()}.
   *
   * @throws IOException (a {@code ChunkDigestMismatchException}) naming the layer, chunk and range
   *     if it does not match
   */
  void verify(byte[] uncompressed, TocChunk chunk) throws IOException;
}
