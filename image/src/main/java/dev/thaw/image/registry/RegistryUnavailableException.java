package dev.thaw.image.registry;

/**
 * The registry kept failing (5xx, 429 or I/O errors) after the bounded retries, or could not be
 * reached.
 */
public class RegistryUnavailableException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** With a message saying what was being done on what. */
  public RegistryUnavailableException(String message) {
    super(message);
  }

  /** With a message and the underlying failure. */
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
