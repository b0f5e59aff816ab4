package dev.thaw.snapshotter;

/** Placeholder. */
final class Placeholder {
  private Placeholder() {}
}
