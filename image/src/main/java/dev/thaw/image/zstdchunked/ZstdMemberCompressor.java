package dev.thaw.image.zstdchunked;

import com.github.luben.zstd.ZstdCompressCtx;
import dev.thaw.image.tar.MemberCompressor;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Compresses a segment into one independent zstd frame with its content size in the header. One
 * context per thread; {@link #close()} frees them all.
 *
 * <p>Thread-safe.
 */
final class ZstdMemberCompressor implements MemberCompressor, AutoCloseable {
  private final ConcurrentLinkedQueue<ZstdCompressCtx> all = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<ZstdCompressCtx> contexts;

  ZstdMemberCompressor(int level) {
    contexts =
        ThreadLocal.withInitial(() -> {
          ZstdCompressCtx c = new ZstdCompressCtx();
          c.setLevel(level);
          c.setContentSize(true);
          all.add(c);
          return c;
        });
  }

  @Override
  public byte[] compress(byte[] data, int length) {
    ZstdCompressCtx c = contexts.get();
    byte[] src = length == data.length ? data : java.util.Arrays.copyOf(data, length);
    return c.compress(src);
  }

  @Override
  public void close() {
    ZstdCompressCtx c;
    while ((c = all.poll()) != null) {
      c.close();
    }
  }
}
