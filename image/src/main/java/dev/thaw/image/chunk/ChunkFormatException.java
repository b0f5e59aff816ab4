package dev.thaw.image.chunk;

import java.io.IOException;

/**
 * A chunk's compressed bytes cannot be decompressed: a corrupt or truncated gzip member or zstd
 * frame. The message names the layer and the chunk.
 */
public class ChunkFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** With a one-line message naming layer and chunk. */
  public ChunkFormatException(String message) {
    super(message);
  }

  /** With a one-line message naming layer and chunk, and the cause. */
  public ChunkFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
