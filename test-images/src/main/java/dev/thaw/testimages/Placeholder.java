package dev.thaw.testimages;

/** Placeholder. */
final class Placeholder {
  private Placeholder() {}
}
