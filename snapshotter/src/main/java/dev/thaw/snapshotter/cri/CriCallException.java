package dev.thaw.snapshotter.cri;

import java.io.IOException;

/** A CRI call to containerd failed; the message says what was done, where, and what to fix. */
final class CriCallException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String code;

  CriCallException(String message, String code, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The gRPC status code containerd answered, e.g. {@code UNAVAILABLE}. */
  String code() {
    return code;
  }
}
