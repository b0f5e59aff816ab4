package dev.thaw.snapshotter.config;

import java.io.IOException;

/** The configuration file is unreadable or a key has a bad value; the message names both. */
public final class InvalidConfigException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public InvalidConfigException(String message) {
    super(message);
  }

  /** Creates the exception with a cause. */
  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
