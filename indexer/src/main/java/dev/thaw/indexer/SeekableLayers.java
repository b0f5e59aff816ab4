package dev.thaw.indexer;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.chunk.SeekableLayer;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.zstdchunked.ZstdChunkedFooter;
import dev.thaw.image.zstdchunked.ZstdChunkedTocReader;
import java.io.IOException;
import java.util.Optional;

/** Opens seekable layers for inspect and verify. Static only. */
final class SeekableLayers {
  private SeekableLayers() {}

  /**
   * Detects the format from the footer, reads the TOC and checks it against {@code
   * expectedTocDigest}.
   *
   * @throws IOException if the blob is not a seekable layer or its TOC does not match
   */
  static OpenedLayer open(BlobSource blob, Optional<Digest> expectedTocDigest, String layer)
      throws IOException {
    long size = blob.size();
    byte[] tail =
        blob.read(
            Math.max(0, size - ZstdChunkedFooter.SIZE),
            (int) Math.min(size, ZstdChunkedFooter.SIZE));
    if (!ZstdChunkedTocReader.matches(tail)) {
      // eStargz through the indexer's own reader: verify then checks the writer against the spec.
      return EstargzLayerReader.open(blob, expectedTocDigest, layer);
    }
    SeekableLayer opened = SeekableLayer.open(blob, expectedTocDigest);
    return new OpenedLayer(
        "zstd:chunked", opened.tocIndex(), opened.tocDigest(), opened::readChunk);
  }
}
