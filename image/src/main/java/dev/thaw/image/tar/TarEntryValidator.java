package dev.thaw.image.tar;

import dev.thaw.image.toc.TocPaths;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Checks each entry of one layer's tar, in stream order, against the rules every writer and reader
 * share: relative paths without {@code ..}, names of at most {@value #MAX_NAME_BYTES} bytes per
 * segment and {@value #MAX_PATH_BYTES} in all, no duplicates, symlinks and hardlinks that stay
 * inside the root, hardlinks to an earlier non-directory entry, and only the entry types a layer
 * can hold.
 *
 * <p>Confined to one thread; one instance per tar.
 */
public final class TarEntryValidator {
  /** The longest path segment, in UTF-8 bytes (Linux NAME_MAX). */
  public static final int MAX_NAME_BYTES = 255;

  /** The longest path, in UTF-8 bytes (Linux PATH_MAX). */
  public static final int MAX_PATH_BYTES = 4096;

  private final String layer;
  private final Map<String, Boolean> seen = new HashMap<>();

  /**
   * @param layer names the layer in messages
   */
  public TarEntryValidator(String layer) {
    this.layer = layer;
  }

  /**
   * Validates {@code entry} and remembers it.
   *
   * @return the normalized path ({@code ""} for the root)
   * @throws TarFormatException naming layer and entry if a rule is broken
   */
  public String check(TarArchiveEntry entry) throws TarFormatException {
    String name = entry.getName();
    String path = checkPath(name, name, "path");
    if (entry.isGNUSparse() || entry.isStarSparse() || entry.isPaxGNUSparse()) {
      throw error(name, "sparse entries are not supported");
    }
    boolean dir = entry.isDirectory();
    if (!(dir
        || entry.isFile()
        || entry.isSymbolicLink()
        || entry.isLink()
        || entry.isCharacterDevice()
        || entry.isBlockDevice()
        || entry.isFIFO())) {
      throw error(name, "unsupported entry type '" + (char) entry.getLinkFlag() + "'");
    }
    if (entry.isSymbolicLink()) {
      checkSymlink(name, path, entry.getLinkName());
    }
    if (entry.isLink()) {
      String link = entry.getLinkName();
      String target = checkPath(name, link, "hardlink target '" + link + "'");
      Boolean targetIsDir = seen.get(target);
      if (targetIsDir == null) {
        throw error(name, "hardlink target '" + target + "' is not an earlier entry");
      }
      if (targetIsDir) {
        throw error(name, "hardlink to directory '" + target + "'");
      }
    }
    Boolean before = seen.putIfAbsent(path, dir);
    if (before != null) {
      throw error(name, "duplicate entry");
    }
    return path;
  }

  /** Normalizes {@code p}, a path of entry {@code name} (its own or its link target). */
  private String checkPath(String name, String p, String what) throws TarFormatException {
    if (p.startsWith("/")) {
      throw error(name, what + " is absolute");
    }
    if (p.indexOf('\0') >= 0) {
      throw error(name, what + " contains NUL");
    }
    String path =
        TocPaths.normalize(p).orElseThrow(() -> error(name, what + " has a '..' segment"));
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw error(name, what + " is longer than " + MAX_PATH_BYTES + " bytes");
    }
    for (String seg : path.split("/", -1)) {
      if (seg.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw error(name, what + " has a segment longer than " + MAX_NAME_BYTES + " bytes");
      }
    }
    return path;
  }

  private void checkSymlink(String name, String path, String target) throws TarFormatException {
    if (target.isEmpty()) {
      throw error(name, "symlink has an empty target");
    }
    if (target.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw error(name, "symlink target is longer than " + MAX_PATH_BYTES + " bytes");
    }
    if (target.startsWith("/")) {
      // Absolute targets resolve inside the container's root: they cannot escape it.
      return;
    }
    int depth = path.isEmpty() ? 0 : path.split("/").length - 1;
    for (String seg : target.split("/")) {
      if (seg.equals("..")) {
        depth--;
        if (depth < 0) {
          throw error(name, "symlink target '" + target + "' escapes the root");
        }
      } else if (!seg.isEmpty() && !seg.equals(".")) {
        depth++;
      }
    }
  }

  private TarFormatException error(String entry, String what) {
    return new TarFormatException(
        "read tar of layer " + layer + ": entry '" + entry + "': " + what);
  }
}
