package dev.thaw.image.estargz;

import dev.thaw.image.chunk.BoundedPool;
import java.util.zip.Deflater;

/**
 * {@link DeflateEngine} over {@link java.util.zip.Deflater} (the JDK's zlib): the fallback when
 * libdeflate is not installed. Deflaters are pooled and reset between members.
 *
 * <p>Thread-safe.
 */
final class ZlibDeflateEngine implements DeflateEngine {
  private final BoundedPool<Deflater> deflaters;

  ZlibDeflateEngine(int level) {
    this.deflaters =
        new BoundedPool<>(
            Runtime.getRuntime().availableProcessors() * 2,
            () -> new Deflater(level, true),
            Deflater::reset,
            Deflater::end);
  }

  @Override
  public int deflate(byte[] data, int length, byte[] out, int outputLimit) {
    Deflater d = deflaters.borrow();
    try {
      d.setInput(data, 0, length);
      d.finish();
      int n = 0;
      while (!d.finished()) {
        if (n == outputLimit) {
          return -1;
        }
        n += d.deflate(out, n, outputLimit - n);
      }
      return n;
    } finally {
      deflaters.release(d);
    }
  }

  @Override
  public String name() {
    return "java.util.zip";
  }

  @Override
  public void close() {
    Deflater d;
    while (deflaters.idle() > 0 && (d = deflaters.borrow()) != null) {
      d.end();
    }
  }
}
