package dev.thaw.snapshotter.cache;

class MemoryChunkCacheTest extends ChunkCacheContractTest {
  @Override
  protected ChunkCache newCache(long capacityBytes) {
    return new MemoryChunkCache(capacityBytes);
  }
}
