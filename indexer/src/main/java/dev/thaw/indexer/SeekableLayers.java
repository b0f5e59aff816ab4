package dev.thaw.indexer;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.chunk.LayerFormat;
import dev.thaw.image.chunk.SeekableLayer;
import dev.thaw.image.oci.Digest;
import java.io.IOException;
import java.util.Optional;

/**
 * Opens seekable layers (eStargz or zstd:chunked) for inspect and verify through the library's
 * {@link SeekableLayer}: footer, TOC digest and chunk digests are checked there. Static only.
 */
final class SeekableLayers {
  private SeekableLayers() {}

  /**
   * Detects the format from the footer, reads the TOC and checks it against {@code
   * expectedTocDigest}.
   *
   * @throws IOException naming {@code layer} if the blob is not a seekable layer or its TOC does
   *     not match
   */
  static OpenedLayer open(BlobSource blob, Optional<Digest> expectedTocDigest, String layer)
      throws IOException {
    SeekableLayer opened;
    try {
      opened = SeekableLayer.open(blob, expectedTocDigest);
    } catch (IOException e) {
      throw new IOException("open seekable layer " + layer + ": " + e.getMessage(), e);
    }
    String format = opened.format() == LayerFormat.ZSTD_CHUNKED ? "zstd:chunked" : "estargz";
    return new OpenedLayer(format, opened.tocIndex(), opened.tocDigest(), opened::readChunk);
  }
}
