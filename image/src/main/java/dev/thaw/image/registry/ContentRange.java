package dev.thaw.image.registry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code Content-Range} header: {@code bytes FIRST-LAST/TOTAL}, with TOTAL {@code *}
 * (unknown, -1), or the unsatisfied form {@code bytes *}{@code /TOTAL} (first and last -1).
 *
 * <p>Immutable.
 *
 * @param first first byte, or -1 in the unsatisfied form
 * @param last last byte inclusive, or -1 in the unsatisfied form
 * @param total blob size, or -1 if unknown
 */
record ContentRange(long first, long last, long total) {
  private static final Pattern SATISFIED =
      Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern UNSATISFIED =
      Pattern.compile("bytes\\s+\\*/(\\d+)", Pattern.CASE_INSENSITIVE);

  /**
   * Parses a header value.
   *
   * @throws IllegalArgumentException if malformed or {@code last < first} or {@code last >= total}
   */
  static ContentRange parse(String header) {
    String h = header.trim();
    Matcher m = SATISFIED.matcher(h);
    if (m.matches()) {
      try {
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        long total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
        if (last < first || (total >= 0 && last >= total)) {
          throw new IllegalArgumentException("parse Content-Range '" + header + "': inconsistent");
        }
        return new ContentRange(first, last, total);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "parse Content-Range '" + header + "': number too big", e);
      }
    }
    Matcher u = UNSATISFIED.matcher(h);
    if (u.matches()) {
      return new ContentRange(-1, -1, Long.parseLong(u.group(1)));
    }
    throw new IllegalArgumentException("parse Content-Range '" + header + "': malformed");
  }

  /** The range as {@link ByteRange}; the unsatisfied form has none. */
  ByteRange range() {
    if (first < 0) {
      throw new IllegalStateException("unsatisfied Content-Range has no range");
    }
    return new ByteRange(first, last - first + 1);
  }
}
