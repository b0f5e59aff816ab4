package dev.thaw.snapshotter.fetch;

import dev.thaw.image.toc.TocChunk;
import java.util.List;

/**
 * Chunks fetched with one Range request: blob bytes {@code [offset, end)} hold every chunk's
 * compressed member. Chunks are in blob order; several may share one member.
 *
 * <p>Immutable.
 *
 * @param chunks the chunks, in blob order, not empty
 */
public record FetchRun(List<TocChunk> chunks) {
  /** Copies and validates the chunk list. */
  public FetchRun {
    chunks = List.copyOf(chunks);
    if (chunks.isEmpty()) {
      throw new IllegalArgumentException("fetch run without chunks");
    }
  }

  /** The first blob byte of the range. */
  public long offset() {
    return chunks.getFirst().compressedOffset();
  }

  /** The blob offset just past the range. */
  public long end() {
    long end = 0;
    for (TocChunk c : chunks) {
      end = Math.max(end, c.compressedEnd());
    }
    return end;
  }

  /** The range's length in bytes. */
  public long length() {
    return end() - offset();
  }

  @Override
  public String toString() {
    return chunks.size() + " chunks, blob bytes " + offset() + "-" + (end() - 1);
  }
}
