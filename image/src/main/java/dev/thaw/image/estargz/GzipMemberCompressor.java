package dev.thaw.image.estargz;

import dev.thaw.image.tar.MemberCompressor;
import java.util.zip.CRC32;

/**
 * Compresses a segment into one complete gzip member (RFC 1952: 10-byte header, raw deflate, CRC32
 * and ISIZE) with a {@link DeflateEngine}: libdeflate when installed, else the JDK's zlib.
 *
 * <p>A member is never larger than its <em>stored</em> form (deflate stored blocks: the input plus
 * 5 bytes per 64 KiB, written at the speed of a copy). Compression runs with the stored size as its
 * output cap and gives up as soon as it would reach it, so incompressible input costs one partial
 * compression, never two. Members over {@value #WHOLE_TRIAL_LIMIT} bytes (chunks of large files:
 * model weights, archives) are first judged by their first {@value #TRIAL_BYTES} bytes: if those do
 * not compress below {@value #STORE_RATIO} of their size the member is stored without trying the
 * rest. Every decision depends only on the member's bytes, so the output is deterministic for one
 * engine (libdeflate and zlib produce different, equally valid, deflate streams).
 *
 * <p>Thread-safe. {@link #close} frees the engine's native state.
 */
final class GzipMemberCompressor implements MemberCompressor, AutoCloseable {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int TRAILER = 8;
  private static final int STORED_BLOCK = 65535;

  /** Bytes trial-compressed to decide whether a large member is worth compressing. */
  static final int TRIAL_BYTES = 64 * 1024;

  /** Trial ratio (compressed / original) above which a large member is stored uncompressed. */
  static final double STORE_RATIO = 0.97;

  /** Members up to this size are compressed without a trial (the trial would be most of it). */
  static final int WHOLE_TRIAL_LIMIT = 4 * TRIAL_BYTES;

  /** Null at level 0: everything is stored. */
  private final DeflateEngine engine;

  private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[0]);

  /** A compressor at {@code level} (0..9) on the best engine available. */
  GzipMemberCompressor(int level) {
    this(checkLevel(level) == 0 ? null : preferredEngine(level));
  }

  /** A compressor on {@code engine}, or storing everything if it is null. */
  GzipMemberCompressor(DeflateEngine engine) {
    this.engine = engine;
  }

  private static int checkLevel(int level) {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("gzip compression level " + level + " not in 0..9");
    }
    return level;
  }

  /** libdeflate at {@code level} if it can be loaded, else {@link java.util.zip.Deflater}. */
  static DeflateEngine preferredEngine(int level) {
    return LibdeflateEngine.load(level)
        .<DeflateEngine>map(e -> e)
        .orElseGet(() -> new ZlibDeflateEngine(level));
  }

  /** The engine's name ({@code stored} at level 0). */
  String engineName() {
    return engine == null ? "stored" : engine.name();
  }

  @Override
  public byte[] compress(byte[] data, int length) {
    if (length < 0 || length > data.length) {
      throw new IndexOutOfBoundsException("member of " + length + " of " + data.length + " bytes");
    }
    if (engine == null) {
      return stored(data, length);
    }
    int storedSize = storedSize(length);
    byte[] buf = scratch.get();
    if (buf.length < storedSize) {
      buf = new byte[storedSize];
      scratch.set(buf);
    }
    if (length > WHOLE_TRIAL_LIMIT
        && engine.deflate(data, TRIAL_BYTES, buf, (int) (STORE_RATIO * TRIAL_BYTES)) < 0) {
      return stored(data, length);
    }
    int n = engine.deflate(data, length, buf, storedSize - 1);
    if (n < 0) {
      return stored(data, length);
    }
    byte[] out = new byte[HEADER.length + n + TRAILER];
    System.arraycopy(HEADER, 0, out, 0, HEADER.length);
    System.arraycopy(buf, 0, out, HEADER.length, n);
    putTrailer(out, data, length);
    return out;
  }

  /** Size of {@code length} bytes as deflate stored blocks (at least one block, even if empty). */
  static int storedSize(int length) {
    int blocks = Math.max(1, (length + STORED_BLOCK - 1) / STORED_BLOCK);
    return Math.addExact(length, 5 * blocks);
  }

  /** {@code data[0, length)} as a gzip member of deflate stored blocks. */
  static byte[] stored(byte[] data, int length) {
    byte[] out = new byte[HEADER.length + storedSize(length) + TRAILER];
    System.arraycopy(HEADER, 0, out, 0, HEADER.length);
    int p = HEADER.length;
    int at = 0;
    do {
      int n = Math.min(STORED_BLOCK, length - at);
      boolean last = at + n == length;
      out[p] = (byte) (last ? 1 : 0); // BFINAL, BTYPE 00 (stored), then pad to the byte
      out[p + 1] = (byte) n;
      out[p + 2] = (byte) (n >>> 8);
      out[p + 3] = (byte) ~n;
      out[p + 4] = (byte) (~n >>> 8);
      System.arraycopy(data, at, out, p + 5, n);
      p += 5 + n;
      at += n;
    } while (at < length);
    putTrailer(out, data, length);
    return out;
  }

  private static void putTrailer(byte[] out, byte[] data, int length) {
    CRC32 crc = new CRC32();
    crc.update(data, 0, length);
    int at = out.length - TRAILER;
    putInt(out, at, (int) crc.getValue());
    putInt(out, at + 4, length);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  @Override
  public void close() {
    if (engine != null) {
      engine.close();
    }
  }
}
