package dev.thaw.image.oci;

import java.io.IOException;

/**
 * A manifest, index, config or layout file that is not valid JSON of the expected shape. The
 * message says what was being parsed and what was wrong.
 */
public class OciFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** With a message naming the document and the problem. */
  public OciFormatException(String message) {
    super(message);
  }

  /** With a message and the parser's exception. */
  public OciFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
