package dev.thaw.image.estargz;

import dev.thaw.image.toc.TocFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The eStargz footer: an empty gzip member whose extra field carries the TOC offset.
 *
 * <pre>
 * 51-byte footer (current):
 *   0  1f 8b 08 04        gzip magic, deflate, FLG = FEXTRA
 *   4  00 00 00 00        MTIME
 *   8  00 ff              XFL, OS = unknown
 *  10  1a 00              XLEN = 26 (LE)
 *  12  53 47              subfield id 'S' 'G'
 *  14  16 00              subfield LEN = 22 (LE)
 *  16  %016x "STARGZ"     TOC offset, 16 lowercase hex digits, then the magic
 *  38  01 00 00 ff ff     an empty final stored deflate block
 *  43  00 00 00 00        CRC32 = 0
 *  47  00 00 00 00        ISIZE = 0
 * 47-byte legacy footer: as above but XLEN = 22 and no subfield header (offset+magic at 12).
 * External-TOC footer: the extra field carries "STARGZEXTERNALTOC" and no offset (not supported).
 * </pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class EstargzFooter {
  /** Size of the current footer. */
  public static final int SIZE = 51;

  /** Size of the legacy footer. */
  public static final int LEGACY_SIZE = 47;

  private static final byte[] MAGIC = "STARGZ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EXTERNAL_MAGIC =
      "STARGZEXTERNALTOC".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TAIL = {1, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0};

  private EstargzFooter() {}

  /**
   * A parsed footer.
   *
   * @param tocOffset blob offset of the TOC member
   * @param size the footer's size, 51 or 47
   */
  public record Parsed(long tocOffset, int size) {}

  /** The 51-byte footer for a TOC at {@code tocOffset}. */
  public static byte[] encode(long tocOffset) {
    byte[] f = new byte[SIZE];
    byte[] head = {0x1f, (byte) 0x8b, 8, 4, 0, 0, 0, 0, 0, (byte) 0xff, 26, 0, 'S', 'G', 22, 0};
    System.arraycopy(head, 0, f, 0, head.length);
    byte[] hex = String.format("%016x", tocOffset).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(hex, 0, f, 16, 16);
    System.arraycopy(MAGIC, 0, f, 32, MAGIC.length);
    System.arraycopy(TAIL, 0, f, 38, TAIL.length);
    return f;
  }

  /** Whether the last bytes of a blob look like any eStargz footer (cheap check for detection). */
  public static boolean matches(byte[] tail) {
    return indexOf(tail, MAGIC) >= 0 && tail.length >= LEGACY_SIZE;
  }

  /**
   * Parses the footer at the end of {@code tail} (the last up-to-51 bytes of a blob of {@code
   * blobSize} bytes).
   *
   * @throws TocFormatException if there is no footer we support; the message names the layer
   */
  public static Parsed parse(byte[] tail, long blobSize, String layer) throws TocFormatException {
    if (indexOf(tail, EXTERNAL_MAGIC) >= 0) {
      throw new TocFormatException(
          "read eStargz footer of layer " + layer + ": external TOC footers are not supported");
    }
    if (tail.length >= SIZE) {
      byte[] f = Arrays.copyOfRange(tail, tail.length - SIZE, tail.length);
      if (gzipHeader(f) && u16(f, 10) == 26 && f[12] == 'S' && f[13] == 'G' && u16(f, 14) == 22) {
        return new Parsed(offset(f, 16, blobSize, SIZE, layer), SIZE);
      }
    }
    if (tail.length >= LEGACY_SIZE) {
      byte[] f = Arrays.copyOfRange(tail, tail.length - LEGACY_SIZE, tail.length);
      if (gzipHeader(f) && u16(f, 10) == 22) {
        return new Parsed(offset(f, 12, blobSize, LEGACY_SIZE, layer), LEGACY_SIZE);
      }
    }
    throw new TocFormatException(
        "read eStargz footer of layer " + layer + ": no 51- or 47-byte footer at the end");
  }

  private static long offset(byte[] f, int at, long blobSize, int size, String layer)
      throws TocFormatException {
    if (!Arrays.equals(f, at + 16, at + 22, MAGIC, 0, MAGIC.length)) {
      throw new TocFormatException(
          "read eStargz footer of layer " + layer + ": magic 'STARGZ' missing");
    }
    long off = 0;
    for (int i = at; i < at + 16; i++) {
      int d = Character.digit(f[i], 16);
      if (d < 0) {
        throw new TocFormatException(
            "read eStargz footer of layer " + layer + ": TOC offset is not 16 hex digits");
      }
      off = (off << 4) | d;
    }
    if (off < 0 || off >= blobSize - size) {
      throw new TocFormatException(
          "read eStargz footer of layer "
              + layer
              + ": TOC offset "
              + off
              + " outside the blob of "
              + blobSize
              + " bytes");
    }
    return off;
  }

  private static boolean gzipHeader(byte[] f) {
    return (f[0] & 0xff) == 0x1f && (f[1] & 0xff) == 0x8b && f[2] == 8 && f[3] == 4;
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
