package dev.thaw.indexer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code thaw-indexer} in-process through picocli, capturing stdout and stderr.
 *
 * @param exitCode the exit code
 * @param out what went to stdout
 * @param err what went to stderr (progress lines, then the error line)
 */
record Cli(int exitCode, String out, String err) {
  static Cli run(String... args) {
    return run(Map.of("HOME", "/nonexistent-home"), args);
  }

  static Cli run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ThawIndexerMain.run(
            args, new PrintWriter(out, true), new PrintWriter(err, true), false, env);
    return new Cli(code, out.toString(), err.toString());
  }

  /** The last line of stderr: the error line of a failed command. */
  String errorLine() {
    List<String> lines = err.strip().lines().toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
