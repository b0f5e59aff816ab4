package dev.thaw.image.tar;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * The order in which a writer emits a layer's entries: the entries matching the prefetch list first
 * (pattern by pattern, each pattern's matches in tar order, preceded by their parent directories
 * and hardlink targets), then the landmark, then everything else in tar order. Without a prefetch
 * list (or when nothing matches) the {@code .no.prefetch.landmark} comes first.
 *
 * <p>Immutable.
 *
 * @param hot the start-up-hot entries, in prefetch order
 * @param landmark the landmark's name
 * @param rest the remaining entries, in tar order
 */
public record EntryOrder(List<TarArchiveEntry> hot, String landmark, List<TarArchiveEntry> rest) {
  /** Entries before it are start-up-hot. */
  public static final String PREFETCH_LANDMARK = ".prefetch.landmark";

  /** Nothing to prefetch. */
  public static final String NO_PREFETCH_LANDMARK = ".no.prefetch.landmark";

  /** The landmarks' content: one byte {@code 0x0f}. */
  public static final byte[] LANDMARK_CONTENT = {0x0f};

  /** Copies the lists. */
  public EntryOrder {
    hot = List.copyOf(hot);
    rest = List.copyOf(rest);
  }

  /**
   * Validates {@code entries} (in tar order) and orders them. Existing landmarks and an old {@code
   * stargz.index.json} are dropped, as a converter must.
   *
   * @param prefetch paths or globs ({@code glob:} syntax of {@link PathMatcher}), in priority order
   * @throws TarFormatException if an entry breaks a {@link TarEntryValidator} rule
   */
  public static EntryOrder plan(List<TarArchiveEntry> entries, List<String> prefetch, String layer)
      throws TarFormatException {
    TarEntryValidator validator = new TarEntryValidator(layer);
    List<TarArchiveEntry> kept = new ArrayList<>(entries.size());
    List<String> paths = new ArrayList<>(entries.size());
    Map<String, TarArchiveEntry> byPath = new HashMap<>();
    for (TarArchiveEntry e : entries) {
      String path = validator.check(e);
      if (path.equals(PREFETCH_LANDMARK)
          || path.equals(NO_PREFETCH_LANDMARK)
          || path.equals("stargz.index.json")) {
        continue;
      }
      kept.add(e);
      paths.add(path);
      byPath.put(path, e);
    }
    LinkedHashSet<TarArchiveEntry> hot = new LinkedHashSet<>();
    for (String pattern : prefetch) {
      String p = pattern.strip();
      if (p.isEmpty() || p.startsWith("#")) {
        continue;
      }
      String normalized = p.replaceFirst("^(\\./|/)+", "");
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + normalized);
      for (int i = 0; i < kept.size(); i++) {
        String path = paths.get(i);
        if (!path.isEmpty() && (path.equals(normalized) || matcher.matches(Path.of(path)))) {
          take(kept.get(i), path, byPath, hot);
        }
      }
    }
    List<TarArchiveEntry> rest = new ArrayList<>(kept.size() - hot.size());
    for (TarArchiveEntry e : kept) {
      if (!hot.contains(e)) {
        rest.add(e);
      }
    }
    return new EntryOrder(
        List.copyOf(hot), hot.isEmpty() ? NO_PREFETCH_LANDMARK : PREFETCH_LANDMARK, rest);
  }

  private static void take(
      TarArchiveEntry e,
      String path,
      Map<String, TarArchiveEntry> byPath,
      LinkedHashSet<TarArchiveEntry> hot) {
    if (hot.contains(e)) {
      return;
    }
    int slash = path.lastIndexOf('/');
    if (slash > 0) {
      String parent = path.substring(0, slash);
      Optional.ofNullable(byPath.get(parent)).ifPresent(d -> take(d, parent, byPath, hot));
    }
    if (e.isLink()) {
      String target = dev.thaw.image.toc.TocPaths.normalize(e.getLinkName()).orElseThrow();
      TarArchiveEntry t = byPath.get(target);
      if (t != null) {
        take(t, target, byPath, hot);
      }
    }
    hot.add(e);
  }

  /** Whether the landmark goes first ({@code .no.prefetch.landmark}). */
  public boolean landmarkFirst() {
    return hot.isEmpty();
  }
}
