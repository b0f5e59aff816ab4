package dev.thaw.indexer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code --prefetch} list: one path or glob ({@code *}, {@code **}, {@code ?}, {@code [..]},
 * {@code {a,b}}) per line, leading {@code /} optional, {@code #} starts a comment. Expanded against
 * one layer's entries into the ordered list of paths to put first.
 *
 * <p>Immutable.
 */
final class PrefetchPatterns {
  private final List<String> patterns;
  private final List<PathMatcher> matchers;

  private PrefetchPatterns(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    List<PathMatcher> m = new ArrayList<>();
    for (String p : patterns) {
      m.add(FileSystems.getDefault().getPathMatcher("glob:" + p));
    }
    this.matchers = List.copyOf(m);
  }

  /** No prefetch list: layers get the {@code .no.prefetch.landmark}. */
  static PrefetchPatterns none() {
    return new PrefetchPatterns(List.of());
  }

  /** Parses lines of a prefetch file. */
  static PrefetchPatterns parse(List<String> lines) {
    List<String> patterns = new ArrayList<>();
    for (String line : lines) {
      String p = line.strip();
      if (p.isEmpty() || p.startsWith("#")) {
        continue;
      }
      while (p.startsWith("/") || p.startsWith("./")) {
        p = p.substring(p.startsWith("/") ? 1 : 2);
      }
      while (p.endsWith("/") && p.length() > 1) {
        p = p.substring(0, p.length() - 1);
      }
      if (!p.isEmpty()) {
        patterns.add(p);
      }
    }
    return new PrefetchPatterns(patterns);
  }

  /** Reads {@code file}; the message names it if it cannot be read. */
  static PrefetchPatterns read(Path file) throws IOException {
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IOException("read prefetch list " + file + ": " + e.getMessage(), e);
    }
  }

  /** True if a list was given (even one matching nothing in a layer). */
  boolean given() {
    return !patterns.isEmpty();
  }

  /**
   * The entries of {@code names} (normalized, in tar order) to prefetch: for each pattern in order,
   * the names it matches in tar order, each name once.
   */
  List<String> expand(List<String> names) {
    Set<String> out = new LinkedHashSet<>();
    for (PathMatcher m : matchers) {
      for (String name : names) {
        if (!name.isEmpty() && m.matches(Path.of(name))) {
          out.add(name);
        }
      }
    }
    return List.copyOf(out);
  }

  /** The patterns, as given. */
  List<String> patterns() {
    return patterns;
  }
}
