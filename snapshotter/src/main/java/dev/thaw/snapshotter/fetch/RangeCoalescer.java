package dev.thaw.snapshotter.fetch;

import dev.thaw.image.toc.TocChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Groups chunks that sit next to each other in the blob into {@link FetchRun}s, so neighbouring
 * chunks cost one Range request instead of one each.
 *
 * <p>Two chunks in blob order may share a run when the second's member starts where the first's
 * ends, inside it (the same member), or after a gap of at most {@code maxGapBytes} (fetched and
 * thrown away: cheaper than another round trip). A run never grows beyond {@code maxRunBytes}
 * unless its first chunk alone is larger.
 *
 * <p>Immutable.
 *
 * @param maxRunBytes the largest range a run may span
 * @param maxGapBytes the largest gap between two members of one run
 */
public record RangeCoalescer(long maxRunBytes, long maxGapBytes) {
  /** Validates the limits. */
  public RangeCoalescer {
    if (maxRunBytes <= 0 || maxGapBytes < 0) {
      throw new IllegalArgumentException(
          "range coalescer limits: run " + maxRunBytes + ", gap " + maxGapBytes);
    }
  }

  /**
   * The run starting at {@code blobOrder[start]}, extended forward over chunks that {@code wanted}
   * accepts (stopping at the first one it rejects).
   *
   * @param blobOrder chunks sorted by compressed offset (then inner offset)
   */
  public FetchRun runFrom(List<TocChunk> blobOrder, int start, Predicate<TocChunk> wanted) {
    List<TocChunk> run = new ArrayList<>();
    TocChunk first = blobOrder.get(start);
    run.add(first);
    long end = first.compressedEnd();
    for (int i = start + 1; i < blobOrder.size(); i++) {
      TocChunk next = blobOrder.get(i);
      if (!adjacent(end, next)
          || Math.max(end, next.compressedEnd()) - first.compressedOffset() > maxRunBytes
          || !wanted.test(next)) {
        break;
      }
      run.add(next);
      end = Math.max(end, next.compressedEnd());
    }
    return new FetchRun(run);
  }

  /** Splits chunks (sorted by compressed offset) into runs, each as long as the limits allow. */
  public List<FetchRun> partition(List<TocChunk> blobOrder) {
    List<FetchRun> runs = new ArrayList<>();
    List<TocChunk> current = new ArrayList<>();
    long start = 0;
    long end = 0;
    for (TocChunk c : blobOrder) {
      if (!current.isEmpty()
          && (!adjacent(end, c) || Math.max(end, c.compressedEnd()) - start > maxRunBytes)) {
        runs.add(new FetchRun(current));
        current = new ArrayList<>();
      }
      if (current.isEmpty()) {
        start = c.compressedOffset();
        end = c.compressedEnd();
      }
      current.add(c);
      end = Math.max(end, c.compressedEnd());
    }
    if (!current.isEmpty()) {
      runs.add(new FetchRun(current));
    }
    return runs;
  }

  private boolean adjacent(long runEnd, TocChunk next) {
    return next.compressedOffset() <= runEnd + maxGapBytes;
  }
}
