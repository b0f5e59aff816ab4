package dev.thaw.image.registry;

/** The registry answered 404 for a blob. */
public class BlobNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** With a message saying what was being done on what. */
  public BlobNotFoundException(String message) {
    super(message);
  }

  /** With a message and the underlying failure. */
  public BlobNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
