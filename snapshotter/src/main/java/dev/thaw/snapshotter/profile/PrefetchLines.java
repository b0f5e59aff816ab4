package dev.thaw.snapshotter.profile;

/**
 * Writes paths as lines of {@code thaw-indexer convert --prefetch}: one glob per line, so a real
 * path's glob metacharacters ({@code * ? [ ] { } \}) are escaped with a backslash, and characters
 * the line format cannot carry are replaced by a class or a wildcard that still matches the file.
 * Stateless.
 */
public final class PrefetchLines {
  private PrefetchLines() {}

  /**
   * The line matching exactly {@code path} (an absolute in-image path). Trailing whitespace, which
   * the reader strips, becomes a one-character class ({@code [ ]}); a line break or other control
   * character, which cannot appear in a line, becomes {@code ?} (any one character but {@code /}).
   */
  public static String line(String path) {
    StringBuilder out = new StringBuilder(path.length() + 8);
    int trailing = path.length();
    while (trailing > 0 && Character.isWhitespace(path.charAt(trailing - 1))) {
      trailing--;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isISOControl(c)) {
        out.append('?');
      } else if (i >= trailing) {
        out.append('[').append(c).append(']');
      } else {
        if ("*?[]{}\\".indexOf(c) >= 0) {
          out.append('\\');
        }
        out.append(c);
      }
    }
    return out.toString();
  }
}
