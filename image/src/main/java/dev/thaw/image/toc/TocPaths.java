package dev.thaw.image.toc;

import java.util.Optional;

/** Path normalization shared by the TOC index, the writers and the tar validation. */
public final class TocPaths {
  private TocPaths() {}

  /**
   * Normalizes a tar/TOC path: strips leading {@code ./} and {@code /}, trailing {@code /}, empty
   * and {@code .} segments. The root is {@code ""}. Returns empty if a segment is {@code ..}.
   */
  public static Optional<String> normalize(String path) {
    StringBuilder out = new StringBuilder(path.length());
    int i = 0;
    int n = path.length();
    while (i <= n) {
      int slash = path.indexOf('/', i);
      int end = slash < 0 ? n : slash;
      if (end > i) {
        String seg = path.substring(i, end);
        if (seg.equals("..")) {
          return Optional.empty();
        }
        if (!seg.equals(".")) {
          if (out.length() > 0) {
            out.append('/');
          }
          out.append(seg);
        }
      }
      i = end + 1;
    }
    // An already normalized path is returned as is: the TOC index keeps it as the node's path, and
    // a second copy of every name would cost about 100 bytes per entry.
    return Optional.of(out.length() == n ? path : out.toString());
  }

  /** The parent of a normalized non-root path; {@code ""} for a top-level name. */
  public static String parent(String normalized) {
    int slash = normalized.lastIndexOf('/');
    return slash < 0 ? "" : normalized.substring(0, slash);
  }

  /** The last segment of a normalized path; {@code ""} for the root. */
  public static String baseName(String normalized) {
    return normalized.substring(normalized.lastIndexOf('/') + 1);
  }
}
