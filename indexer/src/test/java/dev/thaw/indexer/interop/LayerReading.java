package dev.thaw.indexer.interop;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.chunk.SeekableLayer;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocIndex;
import java.io.IOException;
import java.util.Optional;

/** Opens a seekable layer with the image library's reader, for the interop tests. Static only. */
final class LayerReading {
  private LayerReading() {}

  /** An opened layer: its TOC index and digest, and verified chunk reads. */
  interface Opened {
    TocIndex index();

    Digest tocDigest();

    /** The chunk's uncompressed bytes, verified against its chunk digest. */
    byte[] read(TocChunk chunk) throws IOException;
  }

  static Opened open(BlobSource blob, Optional<Digest> expectedTocDigest) throws IOException {
    SeekableLayer layer = SeekableLayer.open(blob, expectedTocDigest);
    return new Opened() {
      @Override
      public TocIndex index() {
        return layer.tocIndex();
      }

      @Override
      public Digest tocDigest() {
        return layer.tocDigest();
      }

      @Override
      public byte[] read(TocChunk chunk) throws IOException {
        return layer.readChunk(chunk);
      }
    };
  }
}
