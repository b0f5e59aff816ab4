package dev.thaw.indexer;

import java.io.IOException;

/** A tar entry the indexer refuses to convert; the message names the entry and why. */
final class InvalidTarEntryException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String entry;

  InvalidTarEntryException(String entry, String reason) {
    super("entry '" + entry + "': " + reason);
    this.entry = entry;
  }

  /** The entry's name as it appears in the tar. */
  String entry() {
    return entry;
  }
}
