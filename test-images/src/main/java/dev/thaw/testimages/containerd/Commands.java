package dev.thaw.testimages.containerd;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs external commands (ctr, ctr-remote, the image recipes) for tests: stdin is {@code
 * /dev/null}, output goes to temp files (no pipe can fill up), and a command that outlives its
 * timeout is killed with its descendants. Stateless and thread-safe.
 */
public final class Commands {
  private Commands() {}

  /** A finished command. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** Copies the command line. */
    public Result {
      command = List.copyOf(command);
    }

    /** Returns stdout, or throws {@link CommandFailedException} with stderr on a non-zero exit. */
    public String checked() throws CommandFailedException {
      if (exitCode != 0) {
        throw new CommandFailedException(command, exitCode, stdout, stderr);
      }
      return stdout;
    }
  }

  /**
   * Runs {@code command} and returns its stdout; throws with its stderr when it exits non-zero.
   *
   * @throws CommandFailedException on a non-zero exit or when {@code timeout} passes
   * @throws IOException when the command cannot be started
   */
  public static String check(Duration timeout, List<String> command) throws IOException {
    return run(timeout, command, Map.of()).checked();
  }

  /**
   * Runs {@code command} with extra environment variables, waiting at most {@code timeout}; a
   * non-zero exit is returned, not thrown.
   *
   * @throws CommandFailedException when {@code timeout} passes (the command is killed)
   * @throws IOException when the command cannot be started or its output read
   */
  public static Result run(Duration timeout, List<String> command, Map<String, String> env)
      throws IOException {
    Path out = Files.createTempFile("thaw-cmd-", ".out");
    Path err = Files.createTempFile("thaw-cmd-", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      boolean finished;
      try {
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        destroyTree(process);
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while running " + String.join(" ", command));
      }
      if (!finished) {
        destroyTree(process);
        throw new CommandFailedException(
            "run "
                + String.join(" ", command)
                + ": no exit after "
                + timeout
                + ", killed\nstderr: "
                + tail(Files.readString(err, StandardCharsets.UTF_8), 4000));
      }
      return new Result(
          command,
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  static void destroyTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  static String tail(String text, int maxChars) {
    String s = text.strip();
    return s.length() <= maxChars ? s : "…" + s.substring(s.length() - maxChars);
  }
}
