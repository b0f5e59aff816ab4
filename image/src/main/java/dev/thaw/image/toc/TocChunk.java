package dev.thaw.image.toc;

import dev.thaw.image.oci.Digest;
import java.util.Objects;

/**
 * One chunk of a regular file: where its bytes sit in the file and in the compressed blob.
 *
 * <p>The compressed member (gzip) or frame (zstd) holding the chunk is the blob range {@code
 * [compressedOffset, compressedEnd)}; decompressed, the chunk's bytes are {@code [innerOffset,
 * innerOffset + size)} of it.
 *
 * <p>Immutable.
 *
 * @param chunkDigest sha256 of the chunk's uncompressed bytes
 * @param fileOffset offset of the chunk in the file
 * @param size uncompressed size, &gt; 0
 * @param compressedOffset blob offset where the member starts
 * @param compressedEnd blob offset where the next member (or the TOC) starts, exclusive
 * @param innerOffset offset of the chunk in the decompressed member
 */
public record TocChunk(
    Digest chunkDigest,
    long fileOffset,
    long size,
    long compressedOffset,
    long compressedEnd,
    long innerOffset) {

  /** Validates the ranges. */
  public TocChunk {
    Objects.requireNonNull(chunkDigest, "chunkDigest");
    if (fileOffset < 0 || size <= 0 || compressedOffset < 0 || innerOffset < 0) {
      throw new IllegalArgumentException("chunk: bad range " + describeRange(fileOffset, size));
    }
    if (compressedEnd <= compressedOffset) {
      throw new IllegalArgumentException(
          "chunk: compressed end " + compressedEnd + " not after offset " + compressedOffset);
    }
  }

  /** The end of the chunk in the file, exclusive. */
  public long fileEnd() {
    return fileOffset + size;
  }

  /** The compressed length of the member, {@code compressedEnd - compressedOffset}. */
  public long compressedLength() {
    return compressedEnd - compressedOffset;
  }

  /** Whether {@code fileOffset} of the file falls in this chunk. */
  public boolean contains(long offsetInFile) {
    return offsetInFile >= fileOffset && offsetInFile < fileEnd();
  }

  /** For messages: {@code chunk sha256:… (file bytes a-b, blob bytes c-d)}. */
  @Override
  public String toString() {
    return "chunk "
        + chunkDigest.shortForm()
        + " (file bytes "
        + describeRange(fileOffset, size)
        + ", blob bytes "
        + compressedOffset
        + "-"
        + (compressedEnd - 1)
        + ")";
  }

  private static String describeRange(long offset, long size) {
    return offset + "-" + (offset + size - 1);
  }
}
