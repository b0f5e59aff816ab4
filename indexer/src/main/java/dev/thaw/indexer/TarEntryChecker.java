package dev.thaw.indexer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Rejects tar entries that are unsafe or ambiguous to unpack: absolute names, names with {@code
 * ..}, names or components longer than Linux allows, duplicates, hardlinks to anything but an
 * earlier entry, and symlinks whose relative target climbs above the layer root. Absolute symlink
 * targets are allowed: they resolve inside the container's root.
 *
 * <p>Confined to one thread; one instance per layer (it remembers the names it has seen).
 */
final class TarEntryChecker {
  /** Linux NAME_MAX, in bytes. */
  static final int MAX_COMPONENT_BYTES = 255;

  /** Linux PATH_MAX, in bytes. */
  static final int MAX_PATH_BYTES = 4096;

  private final Set<String> seen = new HashSet<>();

  /**
   * Checks one entry, in tar order, and returns its normalized name ({@code ""} for the root).
   *
   * @throws InvalidTarEntryException naming the entry and the rule it breaks
   */
  String check(TarArchiveEntry entry) throws InvalidTarEntryException {
    String raw = entry.getName();
    String name = normalize(raw, raw, "name");
    if (!seen.add(name) && !(name.isEmpty() && entry.isDirectory())) {
      throw new InvalidTarEntryException(raw, "duplicate entry (an earlier entry has this path)");
    }
    if (entry.isLink()) {
      String target = entry.getLinkName();
      if (target.startsWith("/")) {
        throw new InvalidTarEntryException(
            raw, "hardlink target '" + target + "' is absolute (escapes the layer root)");
      }
      String t = normalize(raw, target, "hardlink target");
      if (!seen.contains(t) || t.equals(name)) {
        throw new InvalidTarEntryException(
            raw, "hardlink target '" + target + "' is not an earlier entry of this layer");
      }
    } else if (entry.isSymbolicLink()) {
      String target = entry.getLinkName();
      if (target.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
        throw new InvalidTarEntryException(
            raw, "symlink target is longer than " + MAX_PATH_BYTES + " bytes");
      }
      if (!target.startsWith("/") && climbsAboveRoot(name, target)) {
        throw new InvalidTarEntryException(
            raw, "symlink target '" + target + "' escapes the layer root");
      }
    }
    return name;
  }

  /**
   * Normalizes a tar path: drops {@code ./} prefixes, empty and {@code .} components and a trailing
   * slash; rejects absolute paths, {@code ..} and over-long names.
   */
  static String normalize(String entry, String path, String what) throws InvalidTarEntryException {
    if (path.startsWith("/")) {
      throw new InvalidTarEntryException(entry, what + " is absolute");
    }
    if (path.indexOf('\0') >= 0) {
      throw new InvalidTarEntryException(entry, what + " contains a NUL byte");
    }
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw new InvalidTarEntryException(
          entry, what + " is longer than " + MAX_PATH_BYTES + " bytes");
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new InvalidTarEntryException(entry, what + " contains '..'");
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > MAX_COMPONENT_BYTES) {
        throw new InvalidTarEntryException(
            entry, what + " has a component longer than " + MAX_COMPONENT_BYTES + " bytes");
      }
      parts.add(part);
    }
    return String.join("/", parts);
  }

  /** True if resolving relative {@code target} from {@code name}'s directory leaves the root. */
  static boolean climbsAboveRoot(String name, String target) {
    int depth = name.isEmpty() ? 0 : name.split("/").length - 1; // the link's directory depth
    for (String part : target.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      depth += part.equals("..") ? -1 : 1;
      if (depth < 0) {
        return true;
      }
    }
    return false;
  }
}
