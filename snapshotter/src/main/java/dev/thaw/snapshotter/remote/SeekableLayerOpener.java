package dev.thaw.snapshotter.remote;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Digest;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads a layer blob's footer and TOC (eStargz or zstd:chunked), verifying the TOC against the
 * expected digest. The seam to the image library's seekable-layer reader.
 *
 * <p>Implementations are thread-safe; calls block on the blob's reads.
 */
@FunctionalInterface
public interface SeekableLayerOpener {
  /**
   * Opens the layer in {@code blob}.
   *
   * @param layer the layer's name for messages
   * @param expectedTocDigest the TOC digest annotation; when present a mismatch is an error
   * @throws IOException if the blob is not a seekable layer, the TOC is malformed or does not match
   */
  OpenedLayer open(BlobSource blob, String layer, Optional<Digest> expectedTocDigest)
      throws IOException;
}
