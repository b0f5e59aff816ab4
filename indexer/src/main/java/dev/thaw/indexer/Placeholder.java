package dev.thaw.indexer;

/** Placeholder. */
final class Placeholder {
  private Placeholder() {}
}
