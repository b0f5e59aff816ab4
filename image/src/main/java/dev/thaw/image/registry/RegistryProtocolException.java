package dev.thaw.image.registry;

/**
 * The registry answered something the distribution API does not allow: an unexpected status, a
 * wrong Content-Range, a digest that does not match.
 */
public class RegistryProtocolException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** With a message saying what was being done on what. */
  public RegistryProtocolException(String message) {
    super(message);
  }

  /** With a message and the underlying failure. */
  public RegistryProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
