package dev.thaw.image.toc;

import java.io.IOException;

/**
 * A TOC, footer or seekable-layer structure is malformed: bad JSON, an entry that breaks the
 * eStargz rules, a footer that is not one we know, a TOC whose digest does not match. The message
 * names the layer and, where there is one, the entry.
 */
public class TocFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** With a one-line message naming layer and entry. */
  public TocFormatException(String message) {
    super(message);
  }

  /** With a one-line message naming layer and entry, and the underlying cause. */
  public TocFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
