package dev.thaw.snapshotter.snapshots;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds and lazily unmounts mounts left under a directory by a killed daemon (a dead FUSE mount
 * answers every access with ENOTCONN). Thread-safe (stateless).
 */
public final class StaleMounts {

  private static final Logger LOG = Logger.getLogger(StaleMounts.class.getName());

  private StaleMounts() {}

  /** Mount points at or below {@code dir}, deepest first, read from {@code mountinfo}. */
  static List<Path> under(Path dir, Path mountinfo) throws IOException {
    Path base = dir.toAbsolutePath().normalize();
    List<Path> out = new ArrayList<>();
    for (String line : Files.readAllLines(mountinfo, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f.length < 5) {
        continue;
      }
      Path p = Path.of(unescape(f[4]));
      if (p.startsWith(base)) {
        out.add(p);
      }
    }
    out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return out;
  }

  /** Unmounts (lazily, {@code umount -l}) every mount below {@code dir}; logs each. */
  public static void clear(Path dir) throws IOException {
    for (Path p : under(dir, Path.of("/proc/self/mountinfo"))) {
      Process proc =
          new ProcessBuilder("umount", "-l", p.toString()).redirectErrorStream(true).start();
      String out;
      try (InputStream in = proc.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      try {
        int rc = proc.waitFor();
        if (rc != 0) {
          throw new IOException("unmount stale mount " + p + ": umount exited " + rc + ": " + out);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("unmount stale mount " + p + ": interrupted", e);
      }
      LOG.log(Level.INFO, "unmounted stale mount {0}", p);
    }
  }

  /** mountinfo escapes space, tab, newline and backslash as octal {@code \ooo}. */
  static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        String oct = s.substring(i + 1, Math.min(i + 4, s.length()));
        if (oct.length() == 3 && oct.chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
          out.append((char) Integer.parseInt(oct, 8));
          i += 3;
          continue;
        }
      }
      out.append(c);
    }
    return out.toString();
  }
}
