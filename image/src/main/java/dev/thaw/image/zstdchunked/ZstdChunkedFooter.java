package dev.thaw.image.zstdchunked;

import dev.thaw.image.toc.TocFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The zstd:chunked footer: a zstd skippable frame at the very end of the blob.
 *
 * <pre>
 * skippable frame header: 50 2a 4d 18 (magic, LE 0x184D2A50), u32 LE payload length
 * 40-byte payload (legacy, 48 bytes in all):
 *   0 u64 LE  offset of the compressed TOC (after its skippable frame header)
 *   8 u64 LE  compressed TOC length
 *  16 u64 LE  uncompressed TOC length
 *  24 u64 LE  manifest type, 1 = CRFS/eStargz-style TOC
 *  32 "GnUlInUx"
 * 64-byte payload (current, 72 bytes in all): the four fields above, then
 *  32 u64 LE  tar-split offset, 40 u64 LE compressed length, 48 u64 LE uncompressed length
 *  56 "GNUlInUx"
 * </pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class ZstdChunkedFooter {
  /** Total size of the current footer frame. */
  public static final int SIZE = 72;

  /** Total size of the legacy footer frame. */
  public static final int LEGACY_SIZE = 48;

  /** The skippable frame magic, little-endian 0x184D2A50. */
  static final byte[] SKIPPABLE_MAGIC = {0x50, 0x2a, 0x4d, 0x18};

  private static final byte[] MAGIC = "GNUlInUx".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LEGACY_MAGIC = "GnUlInUx".getBytes(StandardCharsets.US_ASCII);

  private ZstdChunkedFooter() {}

  /**
   * A parsed footer.
   *
   * @param tocOffset offset of the compressed TOC bytes
   * @param tocCompressedLength their length
   * @param tocUncompressedLength the TOC JSON's length
   * @param size the footer frame's size, 72 or 48
   */
  public record Parsed(
      long tocOffset, long tocCompressedLength, long tocUncompressedLength, int size) {}

  /** The 72-byte footer frame; tar-split fields are 0 (Thaw writes no tar-split). */
  public static byte[] encode(long tocOffset, long compressedLength, long uncompressedLength) {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.put(SKIPPABLE_MAGIC).putInt(SIZE - 8);
    b.putLong(tocOffset).putLong(compressedLength).putLong(uncompressedLength).putLong(1);
    b.putLong(0).putLong(0).putLong(0).put(MAGIC);
    return b.array();
  }

  /** Whether the tail ends with either footer's magic. */
  public static boolean matches(byte[] tail) {
    return endsWith(tail, MAGIC) || endsWith(tail, LEGACY_MAGIC);
  }

  /**
   * Parses the footer at the end of {@code tail}, for a blob of {@code blobSize} bytes.
   *
   * @throws TocFormatException if it is malformed or points outside the blob
   */
  public static Parsed parse(byte[] tail, long blobSize, String layer) throws TocFormatException {
    int size = endsWith(tail, MAGIC) ? SIZE : endsWith(tail, LEGACY_MAGIC) ? LEGACY_SIZE : 0;
    if (size == 0 || tail.length < size) {
      throw new TocFormatException(
          "read zstd:chunked footer of layer " + layer + ": no 72- or 48-byte footer at the end");
    }
    ByteBuffer b =
        ByteBuffer.wrap(tail, tail.length - size, size).slice().order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[4];
    b.get(magic);
    int length = b.getInt();
    if (!java.util.Arrays.equals(magic, SKIPPABLE_MAGIC) || length != size - 8) {
      throw new TocFormatException(
          "read zstd:chunked footer of layer " + layer + ": not a skippable frame of " + size);
    }
    long offset = b.getLong();
    long compressed = b.getLong();
    long uncompressed = b.getLong();
    long type = b.getLong();
    if (type != 1) {
      throw new TocFormatException(
          "read zstd:chunked footer of layer " + layer + ": manifest type " + type + " unknown");
    }
    if (offset < 8
        || compressed <= 0
        || uncompressed <= 0
        || offset > blobSize - size
        || compressed > blobSize - size - offset) {
      throw new TocFormatException(
          "read zstd:chunked footer of layer "
              + layer
              + ": TOC at "
              + offset
              + " of "
              + compressed
              + " bytes outside the blob of "
              + blobSize);
    }
    return new Parsed(offset, compressed, uncompressed, size);
  }

  private static boolean endsWith(byte[] tail, byte[] magic) {
    return tail.length >= magic.length
        && java.util.Arrays.equals(
            tail, tail.length - magic.length, tail.length, magic, 0, magic.length);
  }
}
