package dev.thaw.fuse;

import dev.thaw.image.chunk.SeekableLayer;
import dev.thaw.image.toc.TocChunk;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The simplest real {@link ChunkSource}: each read fetches the chunk's member from the layer's blob
 * (a file), decompresses and verifies it. No cache. Thread-safe.
 */
final class LayerFileChunkSource implements ChunkSource {
  private final SeekableLayer layer;

  LayerFileChunkSource(SeekableLayer layer) {
    this.layer = layer;
  }

  @Override
  public void read(TocChunk chunk, long offsetInChunk, ByteBuffer dst) throws IOException {
    ChunkSource.checkRange(chunk, offsetInChunk, dst);
    if (!dst.hasRemaining()) {
      return;
    }
    byte[] data = layer.readChunk(chunk);
    dst.put(data, (int) offsetInChunk, dst.remaining());
  }
}
