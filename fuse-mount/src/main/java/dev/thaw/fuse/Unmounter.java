package dev.thaw.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Unmounts FUSE mounts with the system tools: {@code fusermount -u} (works unprivileged), {@code
 * umount} as a fallback, and lazily ({@code -z} / {@code -l}) when the mount is busy or its FUSE
 * connection is gone.
 *
 * <p>Stateless; thread-safe. Blocks while the tool runs (bounded by a timeout).
 */
final class Unmounter {
  private static final long TOOL_TIMEOUT_SECONDS = 30;

  private Unmounter() {}

  /**
   * Unmounts {@code mountpoint}; if a plain unmount fails (busy), detaches it lazily: open files
   * keep working and the FUSE server keeps serving them until they are closed.
   *
   * @return whether the mount was only detached lazily
   * @throws IOException if neither worked; the message carries the tools' output
   */
  static boolean unmount(Path mountpoint) throws IOException {
    String target = mountpoint.toAbsolutePath().toString();
    List<String> failures = new ArrayList<>();
    List<List<String>> commands =
        List.of(
            List.of(fusermount(), "-u", "-q", target),
            List.of("umount", target),
            List.of(fusermount(), "-u", "-z", "-q", target),
            List.of("umount", "-l", target));
    for (int i = 0; i < commands.size(); i++) {
      String failure = run(commands.get(i));
      if (failure == null) {
        return i >= 2;
      }
      failures.add(failure);
    }
    throw new IOException("unmount " + target + ": " + String.join("; ", failures));
  }

  /** Detaches {@code mountpoint} lazily ({@code umount -l}), for a mount whose server is gone. */
  static void detach(Path mountpoint) throws IOException {
    String target = mountpoint.toAbsolutePath().toString();
    String failure = run(List.of("umount", "-l", target));
    if (failure != null) {
      String second = run(List.of(fusermount(), "-u", "-z", "-q", target));
      if (second != null) {
        throw new IOException("detach " + target + ": " + failure + "; " + second);
      }
    }
  }

  private static String fusermount() {
    return Files.isExecutable(Path.of("/usr/bin/fusermount")) ? "fusermount" : "fusermount3";
  }

  /** Runs {@code command}; returns null on success, else a description of the failure. */
  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return String.join(" ", command) + ": timed out after " + TOOL_TIMEOUT_SECONDS + "s";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new java.io.InterruptedIOException("unmount interrupted: " + String.join(" ", command));
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.exitValue() == 0) {
      return null;
    }
    return String.join(" ", command) + " exited " + p.exitValue() + ": " + output;
  }
}
