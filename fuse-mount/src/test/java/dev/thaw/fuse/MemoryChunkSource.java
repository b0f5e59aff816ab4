package dev.thaw.fuse;

import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ChunkSource} over chunk bytes held in memory, keyed by chunk digest; counts its reads.
 * Thread-safe.
 */
final class MemoryChunkSource implements ChunkSource {
  private final Map<Digest, byte[]> chunks = new ConcurrentHashMap<>();
  final AtomicLong reads = new AtomicLong();

  /** Registers {@code bytes} under their sha256 and returns the digest. */
  Digest put(byte[] bytes) {
    Digest d = Digest.sha256(bytes);
    chunks.put(d, bytes);
    return d;
  }

  @Override
  public void read(TocChunk chunk, long offsetInChunk, ByteBuffer dst) throws IOException {
    ChunkSource.checkRange(chunk, offsetInChunk, dst);
    reads.incrementAndGet();
    byte[] bytes = chunks.get(chunk.chunkDigest());
    if (bytes == null) {
      throw new IOException("read " + chunk + ": not in memory");
    }
    dst.put(bytes, (int) offsetInChunk, dst.remaining());
  }
}
