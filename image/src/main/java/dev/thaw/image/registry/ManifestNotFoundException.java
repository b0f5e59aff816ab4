package dev.thaw.image.registry;

/** The registry answered 404 for a manifest (unknown tag or digest, or unknown repository). */
public class ManifestNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** With a message saying what was being done on what. */
  public ManifestNotFoundException(String message) {
    super(message);
  }

  /** With a message and the underlying failure. */
  public ManifestNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
