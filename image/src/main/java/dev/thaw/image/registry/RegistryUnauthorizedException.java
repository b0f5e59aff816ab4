package dev.thaw.image.registry;

/**
 * The registry refused the credentials (401 after authenticating, or 403), or a token could not be
 * obtained.
 */
public class RegistryUnauthorizedException extends RegistryException {
  private static final long serialVersionUID = 1L;

  /** With a message saying what was being done on what. */
  public RegistryUnauthorizedException(String message) {
    super(message);
  }

  /** With a message and the underlying failure. */
  public RegistryUnauthorizedException(String message, Throwable cause) {
    super(message, cause);
  }
}
