package dev.thaw.testimages.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Unmounts what a test left mounted below a directory. Stateless and thread-safe. */
public final class Mounts {
  private Mounts() {}

  /**
   * Lazily unmounts ({@code umount -l}) every mount point at or below {@code dir}, deepest first,
   * as listed in {@code /proc/self/mountinfo} (overlay snapshots, FUSE layers, bind mounts).
   *
   * @throws IOException if something is still mounted there afterwards
   */
  public static void unmountUnder(Path dir) throws IOException {
    for (String point : mountPointsUnder(dir)) {
      // Failure is judged below: an earlier lazy unmount may already have taken this one along.
      Commands.run(Duration.ofSeconds(30), List.of("umount", "-l", point), Map.of());
    }
    List<String> left = mountPointsUnder(dir);
    if (!left.isEmpty()) {
      throw new IOException("unmount everything under " + dir + ": still mounted: " + left);
    }
  }

  /** Mount points at or below {@code dir}, deepest first. */
  public static List<String> mountPointsUnder(Path dir) throws IOException {
    String prefix = dir.toAbsolutePath().normalize().toString();
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(line -> unescape(line.split(" ")[4]))
        .filter(p -> p.equals(prefix) || p.startsWith(prefix + "/"))
        .distinct()
        .sorted(Comparator.comparingInt(String::length).reversed())
        .toList();
  }

  /**
   * Mount points at or below {@code dir} whose file system type starts with {@code fsTypePrefix}
   * (e.g. {@code fuse} for {@code fuse} and {@code fuse.thaw}), in mountinfo order.
   */
  public static List<String> mountPointsUnder(Path dir, String fsTypePrefix) throws IOException {
    String prefix = dir.toAbsolutePath().normalize().toString();
    List<String> points = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      // Optional fields end at " - ", after which come the type, source and super options.
      String[] halves = line.split(" - ", 2);
      String point = unescape(halves[0].split(" ")[4]);
      if ((point.equals(prefix) || point.startsWith(prefix + "/"))
          && halves.length == 2
          && halves[1].startsWith(fsTypePrefix)) {
        points.add(point);
      }
    }
    return points;
  }

  /** mountinfo escapes space, tab, newline and backslash as a backslash and three octal digits. */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
