package dev.thaw.snapshotter.fetch;

/**
 * Why a fetch is made, in the order the scheduler serves them: a read a process is blocked on, then
 * the start-up-hot region of a freshly mounted layer, then the rest of the layer streaming in.
 */
public enum FetchPriority {
  /** A FUSE read is waiting for these bytes (or read-ahead of a sequential reader). */
  ON_DEMAND,
  /** The prioritized region of a layer (entries before {@code .prefetch.landmark}). */
  PREFETCH,
  /** The rest of a layer, fetched while idle; can be turned off and rate-limited. */
  BACKGROUND;

  /** The label value used in metrics and logs. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
