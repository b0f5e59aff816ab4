package dev.thaw.fuse;

/** Placeholder. */
final class Placeholder {
  private Placeholder() {}
}
