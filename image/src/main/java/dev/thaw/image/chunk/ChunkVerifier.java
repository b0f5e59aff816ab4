package dev.thaw.image.chunk;

import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocChunk;

/**
 * Checks a chunk's uncompressed bytes against its {@code chunkDigest} (sha256).
 *
 * <p>Thread-safe (immutable).
 */
public final class ChunkVerifier {
  private final String layer;

  /**
   * @param layer names the layer in messages
   */
  public ChunkVerifier(String layer) {
    this.layer = layer;
  }

  /**
   * Verifies {@code data} (exactly the chunk's bytes).
   *
   * @throws ChunkDigestMismatchException naming layer, chunk and range when the digest differs
   */
  public void verify(TocChunk chunk, byte[] data) throws ChunkDigestMismatchException {
    Digest got =
        data.length == chunk.size()
            ? Digest.sha256(data)
            : Digest.sha256(data, 0, (int) Math.min(data.length, chunk.size()));
    if (data.length != chunk.size() || !got.equals(chunk.chunkDigest())) {
      throw new ChunkDigestMismatchException(
          "verify chunk "
              + chunk.chunkDigest()
              + " of layer "
              + layer
              + " (file bytes "
              + chunk.fileOffset()
              + "-"
              + (chunk.fileEnd() - 1)
              + ", blob bytes "
              + chunk.compressedOffset()
              + "-"
              + (chunk.compressedEnd() - 1)
              + "): got "
              + got
              + (data.length != chunk.size() ? " over " + data.length + " bytes" : ""),
          chunk.chunkDigest(),
          got);
    }
  }
}
