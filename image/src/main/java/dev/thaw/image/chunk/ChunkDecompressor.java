package dev.thaw.image.chunk;

import dev.thaw.image.toc.TocChunk;
import java.io.IOException;

/**
 * Turns the compressed member of a chunk into the chunk's uncompressed bytes.
 *
 * <p>Implementations are thread-safe and pool their native contexts.
 */
public interface ChunkDecompressor {
  /**
   * Decompresses {@code compressedMember} (the blob bytes {@code [chunk.compressedOffset(),
   * chunk.compressedEnd())}, or at least a prefix of them holding the chunk) and returns exactly
   * the chunk's {@link TocChunk#size()} bytes starting at its {@link TocChunk#innerOffset()}. Does
   * not verify the digest.
   *
   * @throws ChunkFormatException if the bytes are corrupt or end before the chunk does
   */
  default byte[] decompress(byte[] compressedMember, TocChunk chunk) throws IOException {
    return decompress(compressedMember, compressedMember.length, chunk);
  }

  /**
   * As {@link #decompress(byte[], TocChunk)}, with the member in the first {@code length} bytes of
   * {@code buffer} (a reused buffer may be larger than the member).
   *
   * @throws ChunkFormatException if the bytes are corrupt or end before the chunk does
   */
  byte[] decompress(byte[] buffer, int length, TocChunk chunk) throws IOException;
}
