package dev.thaw.image.tar;

import java.io.IOException;

/**
 * A layer's tar stream is unusable: a path with {@code ..} or absolute, a link escaping the root, a
 * duplicate entry, an over-long name, an unsupported entry type or a truncated or corrupt stream.
 * The message names the layer and the entry.
 */
public class TarFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** With a one-line message naming layer and entry. */
  public TarFormatException(String message) {
    super(message);
  }

  /** With a one-line message naming layer and entry, and the cause. */
  public TarFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
