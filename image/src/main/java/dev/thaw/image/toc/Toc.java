package dev.thaw.image.toc;

import java.util.List;

/**
 * A table of contents: {@code {"version":1,"entries":[…]}}. Entries are in blob order.
 *
 * <p>Immutable.
 *
 * @param version the TOC version, 1
 * @param entries the entries in the order of their payloads in the blob
 */
public record Toc(int version, List<TocEntry> entries) {
  /** Copies the entries. */
  public Toc {
    entries = List.copyOf(entries);
  }

  /** A version-1 TOC of {@code entries}. */
  public static Toc of(List<TocEntry> entries) {
    return new Toc(1, entries);
  }
}
