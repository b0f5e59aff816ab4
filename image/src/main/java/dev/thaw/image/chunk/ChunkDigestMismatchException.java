package dev.thaw.image.chunk;

import dev.thaw.image.oci.Digest;
import java.io.IOException;

/**
 * A chunk's uncompressed bytes do not hash to the TOC's {@code chunkDigest}: the blob is corrupt or
 * not the one the TOC describes. The message names layer, chunk and range.
 */
public class ChunkDigestMismatchException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Digest expected;
  private final transient Digest actual;

  /** With the message and both digests. */
  public ChunkDigestMismatchException(String message, Digest expected, Digest actual) {
    super(message);
    this.expected = expected;
    this.actual = actual;
  }

  /** The digest the TOC promised. */
  public Digest expected() {
    return expected;
  }

  /** The digest of the bytes received. */
  public Digest actual() {
    return actual;
  }
}
