package dev.thaw.snapshotter.snapshots;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Measures a directory tree like containerd's {@code fs.DiskUsage}: allocated blocks × 512 and
 * distinct inodes, hardlinks counted once, not crossing file systems. Thread-safe (stateless).
 *
 * <p>Uses GNU {@code du} because the JDK exposes neither {@code st_blocks} nor a cheap inode walk;
 * {@code du} counts exactly what containerd counts.
 */
final class DiskUsage {

  private DiskUsage() {}

  /** Measures {@code dir}; blocks while {@code du} runs. */
  static Usage of(Path dir) throws IOException {
    long size = run(List.of("du", "-s", "-x", "-B1", dir.toString()), dir);
    long inodes = run(List.of("du", "-s", "-x", "--inodes", dir.toString()), dir);
    return new Usage(size, inodes);
  }

  private static long run(List<String> command, Path dir) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    try {
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException("measure disk usage of " + dir + ": du exited " + rc + ": " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("measure disk usage of " + dir + ": interrupted", e);
    }
    String first = out.split("\\s+", 2)[0];
    try {
      return Long.parseLong(first);
    } catch (NumberFormatException e) {
      throw new IOException("measure disk usage of " + dir + ": unexpected du output: " + out, e);
    }
  }
}
