package dev.thaw.image.registry;

import java.io.IOException;

/**
 * A registry request failed. Base of the registry client's checked exceptions; the message says
 * what was being done on which registry, repository and digest.
 */
public class RegistryException extends IOException {
  private static final long serialVersionUID = 1L;

  /** With a message saying what was being done on what. */
  public RegistryException(String message) {
    super(message);
  }

  /** With a message and the underlying failure. */
  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
