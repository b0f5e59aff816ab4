package dev.thaw.image.zstdchunked;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.toc.TocFormatException;
import java.io.IOException;

/**
 * Reads the TOC JSON of a zstd:chunked blob: footer, then the zstd-compressed TOC inside its
 * skippable frame.
 *
 * <p>Thread-safe (stateless).
 */
public final class ZstdChunkedTocReader {
  /** The largest compressed TOC accepted. */
  public static final int MAX_COMPRESSED_TOC = 64 << 20;

  /** The largest TOC JSON accepted. */
  public static final int MAX_TOC = 256 << 20;

  private ZstdChunkedTocReader() {}

  /**
   * The raw TOC and where it is.
   *
   * @param json the uncompressed TOC JSON
   * @param tocFrameOffset blob offset of the TOC's skippable frame (the end of the last data frame)
   * @param compressedDigestInput the compressed TOC bytes (their sha256 is the manifest checksum)
   */
  public record RawToc(byte[] json, long tocFrameOffset, byte[] compressedDigestInput) {}

  /** Whether {@code tail} (the blob's last bytes) ends with a zstd:chunked footer magic. */
  public static boolean matches(byte[] tail) {
    return ZstdChunkedFooter.matches(tail);
  }

  /**
   * Reads footer and TOC.
   *
   * @throws TocFormatException if either is malformed
   * @throws IOException if the blob cannot be read
   */
  public static RawToc read(BlobSource blob, long size, byte[] tail) throws IOException {
    String layer = blob.describe();
    ZstdChunkedFooter.Parsed f = ZstdChunkedFooter.parse(tail, size, layer);
    if (f.tocCompressedLength() > MAX_COMPRESSED_TOC || f.tocUncompressedLength() > MAX_TOC) {
      throw new TocFormatException(
          "read zstd:chunked TOC of layer " + layer + ": TOC too large for this reader");
    }
    byte[] compressed = blob.read(f.tocOffset(), (int) f.tocCompressedLength());
    byte[] json = new byte[(int) f.tocUncompressedLength()];
    try (ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
      int n = ctx.decompressByteArray(json, 0, json.length, compressed, 0, compressed.length);
      if (n != json.length) {
        throw new TocFormatException(
            "read zstd:chunked TOC of layer "
                + layer
                + ": "
                + n
                + " bytes, footer says "
                + json.length);
      }
    } catch (ZstdException e) {
      throw new TocFormatException(
          "read zstd:chunked TOC of layer " + layer + ": corrupt zstd: " + e.getMessage(), e);
    }
    return new RawToc(json, f.tocOffset() - 8, compressed);
  }
}
