package dev.thaw.image.estargz;

import dev.thaw.image.tar.MemberCompressor;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses a segment into one complete gzip member (RFC 1952: 10-byte header, raw deflate, CRC32
 * and ISIZE). One {@link Deflater} per thread, reset between members.
 *
 * <p>Incompressible members (model weights, already-compressed archives) are detected cheaply: a
 * member longer than {@value #TRIAL_BYTES} bytes first has its first {@value #TRIAL_BYTES} bytes
 * trial-compressed at the configured level; if that gains less than 3% (compressed/original &gt;
 * {@value #STORE_RATIO}) the whole member is written as deflate <em>stored</em> blocks ({@link
 * Deflater#NO_COMPRESSION}): still a valid gzip member, a few bytes larger than the input, at the
 * speed of a copy. The decision depends only on the member's bytes, so output stays deterministic.
 *
 * <p>Thread-safe.
 */
final class GzipMemberCompressor implements MemberCompressor {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  /** Bytes trial-compressed to decide whether a member is worth compressing. */
  static final int TRIAL_BYTES = 64 * 1024;

  /** Trial ratio (compressed / original) above which a member is stored uncompressed. */
  static final double STORE_RATIO = 0.97;

  private final ThreadLocal<Deflater> deflaters;
  private final ThreadLocal<Deflater> storers =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.NO_COMPRESSION, true));
  private final ThreadLocal<byte[]> trialBuffers =
      ThreadLocal.withInitial(() -> new byte[TRIAL_BYTES + TRIAL_BYTES / 8 + 64]);
  private final boolean trial;

  GzipMemberCompressor(int level) {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("gzip compression level " + level + " not in 0..9");
    }
    deflaters = ThreadLocal.withInitial(() -> new Deflater(level, true));
    trial = level != Deflater.NO_COMPRESSION;
  }

  /** Whether {@code data[0, length)} would be written as stored (uncompressed) deflate blocks. */
  boolean storesUncompressed(byte[] data, int length) {
    if (!trial || length <= TRIAL_BYTES) {
      return false;
    }
    Deflater d = deflaters.get();
    d.reset();
    d.setInput(data, 0, TRIAL_BYTES);
    d.finish();
    byte[] scratch = trialBuffers.get();
    long n = 0;
    while (!d.finished()) {
      n += d.deflate(scratch, 0, scratch.length);
    }
    return n > STORE_RATIO * TRIAL_BYTES;
  }

  @Override
  public byte[] compress(byte[] data, int length) {
    Deflater d = storesUncompressed(data, length) ? storers.get() : deflaters.get();
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
