package dev.thaw.snapshotter.fetch;

/**
 * Tells a reader that walks a layer's blob forward in short steps (a tree walk reading one file in
 * a hundred, an import of a package's modules) from one that misses here and there: each on-demand
 * miss reports where it starts and where the run it leads ends. Two misses in a row, each starting
 * at most a quarter of the run size past the end of the previous run, make a walk; one such step is
 * not enough (a shell loading a few libraries met one by chance and fetched 4 MiB of neighbours).
 *
 * <p>Thread-safe: the check and the update are one step.
 */
final class MissSteps {
  private long lastRunEnd = -1; // guarded by this
  private int shortSteps; // guarded by this

  /**
   * Records a miss at blob offset {@code offset} and returns whether the reader walks the blob,
   * i.e. whether its run should reach into the next files.
   *
   * @param runBytes the on-demand run size; a short step is at most a quarter of it
   */
  synchronized boolean walks(long offset, long runBytes) {
    boolean shortStep =
        lastRunEnd >= 0 && offset >= lastRunEnd && offset - lastRunEnd <= runBytes / 4;
    shortSteps = shortStep ? shortSteps + 1 : 0;
    return shortSteps >= 2;
  }

  /** Records where the run led for the latest miss ends (about: it may skip cached chunks). */
  synchronized void ranTo(long end) {
    lastRunEnd = end;
  }
}
