package dev.thaw.indexer;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Digest;
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
    return EstargzLayerReader.open(blob, expectedTocDigest, layer);
  }
}
