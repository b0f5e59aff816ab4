package dev.thaw.testimages.containerd;

import java.io.IOException;
import java.util.List;

/** An external command exited with a non-zero status, or did not finish in time. */
public final class CommandFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final String stderr;

  CommandFailedException(List<String> command, int exitCode, String stdout, String stderr) {
    super(
        "run "
            + String.join(" ", command)
            + ": exit "
            + exitCode
            + (stderr.isBlank() ? "" : "\nstderr: " + stderr.strip())
            + (stdout.isBlank() ? "" : "\nstdout: " + Commands.tail(stdout, 4000)));
    this.exitCode = exitCode;
    this.stderr = stderr;
  }

  CommandFailedException(String message) {
    super(message);
    this.exitCode = -1;
    this.stderr = "";
  }

  /** The command's exit status; -1 when it was killed after its timeout. */
  public int exitCode() {
    return exitCode;
  }

  /** What the command wrote to stderr. */
  public String stderr() {
    return stderr;
  }
}
