package dev.thaw.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the kernel's mount table ({@code /proc/self/mountinfo}).
 *
 * <p>Stateless; thread-safe.
 */
final class MountTable {
  static final Path SELF_MOUNTINFO = Path.of("/proc/self/mountinfo");

  /** One line of mountinfo: where something is mounted and its file system type. */
  record Entry(Path mountpoint, String fsType, String source) {
    boolean isFuse() {
      return fsType.equals("fuse") || fsType.startsWith("fuse.");
    }
  }

  private final Path mountinfo;

  MountTable(Path mountinfo) {
    this.mountinfo = mountinfo;
  }

  MountTable() {
    this(SELF_MOUNTINFO);
  }

  /** All mounts, in mount order. */
  List<Entry> entries() throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (String line : Files.readAllLines(mountinfo)) {
      if (!line.isBlank()) {
        entries.add(parse(line));
      }
    }
    return entries;
  }

  /** Whether a FUSE file system is mounted exactly at {@code mountpoint}. */
  boolean isFuseMounted(Path mountpoint) throws IOException {
    Path target = mountpoint.toAbsolutePath().normalize();
    for (Entry e : entries()) {
      if (e.isFuse() && e.mountpoint().equals(target)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses one mountinfo line: {@code id parent maj:min root mountpoint options [optional...] -
   * fstype source superoptions}; paths escape space, tab, newline and backslash as octal.
   */
  static Entry parse(String line) {
    String[] fields = line.split(" ");
    int separator = -1;
    for (int i = 6; i < fields.length; i++) {
      if (fields[i].equals("-")) {
        separator = i;
        break;
      }
    }
    if (fields.length < 7 || separator < 0 || separator + 2 >= fields.length) {
      throw new IllegalArgumentException("parse mountinfo line: malformed: " + line);
    }
    return new Entry(
        Path.of(unescape(fields[4])), fields[separator + 1], unescape(fields[separator + 2]));
  }

  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
