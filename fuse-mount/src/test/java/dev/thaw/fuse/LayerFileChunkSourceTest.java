package dev.thaw.fuse;

import dev.thaw.image.chunk.SeekableLayer;
import java.nio.file.Path;

class LayerFileChunkSourceTest extends ChunkSourceContractTest {
  @Override
  protected ChunkSource createSource(Path blob, SeekableLayer layer) {
    return new LayerFileChunkSource(layer);
  }
}
