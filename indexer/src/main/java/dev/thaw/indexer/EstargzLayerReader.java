package dev.thaw.indexer;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.Toc;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocJson;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Opens an eStargz blob for {@code inspect} and {@code verify}: footer, TOC, chunk reads. Kept
 * small and independent of the writer, so that verify checks the writer's output against the spec
 * rather than against itself.
 *
 * <p>Footer layouts (REFERENCE.md): 51 bytes = gzip header {@code 1f 8b 08 04 00000000 00 ff},
 * XLEN=26 (u16 LE), subfield {@code 'S' 'G'}, LEN=22 (u16 LE), 16 lowercase hex digits of the TOC
 * offset, {@code STARGZ}, an empty stored block {@code 01 00 00 ff ff}, CRC32=0, ISIZE=0. The
 * legacy 47-byte footer has XLEN=22 and the 22 data bytes without the subfield header.
 *
 * <p>Stateless; thread-safe.
 */
final class EstargzLayerReader {
  static final int FOOTER_SIZE = 51;
  static final int LEGACY_FOOTER_SIZE = 47;
  static final String TOC_NAME = "stargz.index.json";
  private static final int TOC_LIMIT = 64 << 20;

  private EstargzLayerReader() {}

  /**
   * Parses the footer and the TOC of {@code blob}; checks the TOC's digest when one is expected.
   *
   * @throws IOException naming the layer if the footer or TOC is malformed or does not match
   */
  static OpenedLayer open(BlobSource blob, Optional<Digest> expectedTocDigest, String layer)
      throws IOException {
    long size = blob.size();
    if (size < LEGACY_FOOTER_SIZE) {
      throw new IOException("blob of " + size + " bytes is too small for an eStargz footer");
    }
    int tailLength = (int) Math.min(size, FOOTER_SIZE);
    byte[] tail = blob.read(size - tailLength, tailLength);
    long tocOffset;
    int footerSize;
    if (tailLength == FOOTER_SIZE && isFooter(tail, 0, 26) && tail[12] == 'S' && tail[13] == 'G') {
      tocOffset = tocOffset(tail, 16);
      footerSize = FOOTER_SIZE;
    } else if (isFooter(tail, tailLength - LEGACY_FOOTER_SIZE, 22)) {
      tocOffset = tocOffset(tail, tailLength - LEGACY_FOOTER_SIZE + 12);
      footerSize = LEGACY_FOOTER_SIZE;
    } else {
      throw new IOException("no eStargz footer in the last " + FOOTER_SIZE + " bytes");
    }
    long tocEnd = size - footerSize;
    if (tocOffset < 0 || tocOffset >= tocEnd || tocEnd - tocOffset > TOC_LIMIT) {
      throw new IOException(
          "footer TOC offset "
              + tocOffset
              + " is outside the blob (TOC must end at "
              + tocEnd
              + ")");
    }
    byte[] json = tocJson(blob.read(tocOffset, (int) (tocEnd - tocOffset)));
    Digest tocDigest = Digest.sha256(json);
    if (expectedTocDigest.isPresent() && !expectedTocDigest.get().equals(tocDigest)) {
      throw new IOException(
          "TOC digest " + tocDigest + " does not match the annotation " + expectedTocDigest.get());
    }
    Toc toc = TocJson.decode(json, layer);
    TocIndex index = TocIndex.of(toc, tocOffset, layer);
    return new OpenedLayer("estargz", index, tocDigest, chunk -> readChunk(blob, chunk, layer));
  }

  private static boolean isFooter(byte[] b, int at, int xlen) {
    return at >= 0
        && (b[at] & 0xff) == 0x1f
        && (b[at + 1] & 0xff) == 0x8b
        && b[at + 2] == 8
        && (b[at + 3] & 0x04) != 0
        && (b[at + 10] & 0xff) == xlen
        && b[at + 11] == 0;
  }

  private static long tocOffset(byte[] b, int at) throws IOException {
    String data = new String(b, at, 22, StandardCharsets.US_ASCII);
    if (!data.endsWith("STARGZ")) {
      throw new IOException("eStargz footer lacks the STARGZ magic");
    }
    try {
      return HexFormat.fromHexDigitsToLong(data.substring(0, 16));
    } catch (IllegalArgumentException e) {
      throw new IOException("eStargz footer TOC offset '" + data.substring(0, 16) + "' is not hex");
    }
  }

  /** The TOC member is a gzip stream of a tar holding {@value #TOC_NAME}. */
  private static byte[] tocJson(byte[] member) throws IOException {
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(member)))) {
      TarArchiveEntry e = tar.getNextEntry();
      if (e == null || !e.getName().equals(TOC_NAME)) {
        throw new IOException(
            "TOC member holds "
                + (e == null ? "no entry" : "'" + e.getName() + "'")
                + ", not "
                + TOC_NAME);
      }
      if (e.getSize() > TOC_LIMIT) {
        throw new IOException("TOC of " + e.getSize() + " bytes is too large");
      }
      return tar.readNBytes((int) e.getSize());
    } catch (EOFException e) {
      throw new IOException("TOC member is truncated", e);
    }
  }

  /** Decompresses the chunk's gzip member and checks the chunk digest. */
  private static byte[] readChunk(BlobSource blob, TocChunk chunk, String layer)
      throws IOException {
    long length = chunk.compressedEnd() - chunk.compressedOffset();
    if (length <= 0 || length > Integer.MAX_VALUE - 8) {
      throw new IOException("chunk " + chunk + " has a bad compressed range");
    }
    byte[] member = blob.read(chunk.compressedOffset(), (int) length);
    byte[] data;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(member), 1 << 16)) {
      in.skipNBytes(chunk.innerOffset());
      data = in.readNBytes((int) chunk.size());
    } catch (IOException e) {
      throw new IOException(
          "decompress chunk at bytes "
              + chunk.compressedOffset()
              + "-"
              + (chunk.compressedEnd() - 1)
              + " of layer "
              + layer
              + ": "
              + e.getMessage(),
          e);
    }
    if (data.length != chunk.size()) {
      throw new IOException(
          "chunk at bytes "
              + chunk.compressedOffset()
              + "-"
              + (chunk.compressedEnd() - 1)
              + " holds "
              + data.length
              + " bytes, the TOC says "
              + chunk.size());
    }
    Digest actual = Digest.sha256(data);
    if (!actual.equals(chunk.chunkDigest())) {
      throw new IOException(
          "verify chunk "
              + chunk.chunkDigest()
              + " of layer "
              + layer
              + " (file bytes "
              + chunk.fileOffset()
              + "-"
              + (chunk.fileOffset() + chunk.size() - 1)
              + "): got "
              + actual);
    }
    return data;
  }
}
