package dev.thaw.image.estargz;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.toc.TocFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the TOC JSON of an eStargz blob: footer, then the TOC member {@code [tocOffset, size -
 * footer)}, then the {@value EstargzWriter#TOC_TAR_NAME} tar entry inside it.
 *
 * <p>Thread-safe (stateless).
 */
public final class EstargzTocReader {
  /** The largest compressed TOC member accepted. */
  public static final int MAX_COMPRESSED_TOC = 64 << 20;

  /** The largest TOC JSON accepted. */
  public static final int MAX_TOC = 256 << 20;

  private EstargzTocReader() {}

  /**
   * The raw TOC and where it is.
   *
   * @param json the uncompressed TOC JSON
   * @param tocOffset blob offset of the TOC member
   * @param footerSize 51 or 47
   */
  public record RawToc(byte[] json, long tocOffset, int footerSize) {}

  /**
   * Reads the footer and TOC of {@code blob}, given its last bytes {@code tail}.
   *
   * @throws TocFormatException if the footer or the TOC member is malformed
   * @throws IOException if the blob cannot be read
   */
  public static RawToc read(BlobSource blob, long size, byte[] tail) throws IOException {
    String layer = blob.describe();
    EstargzFooter.Parsed footer = EstargzFooter.parse(tail, size, layer);
    long length = size - footer.size() - footer.tocOffset();
    if (length > MAX_COMPRESSED_TOC) {
      throw new TocFormatException(
          "read eStargz TOC of layer " + layer + ": TOC member of " + length + " bytes too large");
    }
    byte[] member = blob.read(footer.tocOffset(), (int) length);
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(member)))) {
      TarArchiveEntry e = tar.getNextEntry();
      if (e == null || !e.getName().equals(EstargzWriter.TOC_TAR_NAME)) {
        throw new TocFormatException(
            "read eStargz TOC of layer "
                + layer
                + ": first entry at offset "
                + footer.tocOffset()
                + " is "
                + (e == null ? "missing" : "'" + e.getName() + "'")
                + ", not "
                + EstargzWriter.TOC_TAR_NAME);
      }
      if (e.getSize() > MAX_TOC) {
        throw new TocFormatException(
            "read eStargz TOC of layer " + layer + ": TOC of " + e.getSize() + " bytes too large");
      }
      // Read into an array of the final size: readNBytes(int) gathers pieces and then copies
      // them, twice the TOC's size at once (40 MB for a 59,060-entry TOC), which ran a daemon at
      // -Xmx64m out of heap while it opened that layer.
      byte[] json = new byte[(int) e.getSize()];
      if (tar.readNBytes(json, 0, json.length) != json.length) {
        throw new TocFormatException("read eStargz TOC of layer " + layer + ": TOC truncated");
      }
      return new RawToc(json, footer.tocOffset(), footer.size());
    } catch (TocFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new TocFormatException(
          "read eStargz TOC of layer "
              + layer
              + " at offset "
              + footer.tocOffset()
              + ": "
              + String.valueOf(e.getMessage()).replace('\n', ' '),
          e);
    }
  }
}
