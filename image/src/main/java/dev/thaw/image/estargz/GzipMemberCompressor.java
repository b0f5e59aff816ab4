package dev.thaw.image.estargz;

import dev.thaw.image.tar.MemberCompressor;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses a segment into one complete gzip member (RFC 1952: 10-byte header, raw deflate, CRC32
 * and ISIZE). One {@link Deflater} per thread, reset between members.
 *
 * <p>Thread-safe.
 */
final class GzipMemberCompressor implements MemberCompressor {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private final ThreadLocal<Deflater> deflaters;

  GzipMemberCompressor(int level) {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("gzip compression level " + level + " not in 0..9");
    }
    deflaters = ThreadLocal.withInitial(() -> new Deflater(level, true));
  }

  @Override
  public byte[] compress(byte[] data, int length) {
    Deflater d = deflaters.get();
    d.reset();
    d.setInput(data, 0, length);
    d.finish();
    // zlib's deflateBound for raw deflate, plus header and trailer.
    long bound = (long) length + (length >> 12) + (length >> 14) + (length >> 25) + 13 + 64;
    byte[] out = new byte[(int) Math.min(Integer.MAX_VALUE - 16, bound + 18)];
    System.arraycopy(HEADER, 0, out, 0, HEADER.length);
    int n = HEADER.length;
    while (!d.finished()) {
      if (n == out.length - 8) {
        out = Arrays.copyOf(out, out.length * 2);
      }
      n += d.deflate(out, n, out.length - 8 - n);
    }
    CRC32 crc = new CRC32();
    crc.update(data, 0, length);
    if (n + 8 > out.length) {
      out = Arrays.copyOf(out, n + 8);
    }
    putInt(out, n, (int) crc.getValue());
    putInt(out, n + 4, length);
    return Arrays.copyOf(out, n + 8);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }
}
