package dev.thaw.snapshotter.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class PullCommandTest {
  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  /** Runs the command as the launcher does: failures as one line on stderr, exit 1. */
  private int run(String... args) {
    CommandLine cli = new CommandLine(new PullCommand());
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("thaw-snapshotter: " + e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "90s, PT1M30S", "10m, PT10M", "1h, PT1H"})
  void durationConverter_units_parse(String text, String expected) {
    assertEquals(Duration.parse(expected), new PullCommand.DurationConverter().convert(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "10", "5x", "-1s", ""})
  void durationConverter_badOrZero_isRejected(String text) {
    assertThrows(
        CommandLine.TypeConversionException.class,
        () -> new PullCommand.DurationConverter().convert(text));
  }

  @Test
  void call_userWithoutPassword_isUsageError() {
    int code =
        run("--address", dir.resolve("c.sock").toString(), "--user", "bob", "127.0.0.1:5000/a:1");
    assertEquals(2, code);
    assertTrue(err.toString().contains("--user and --password go together"), err.toString());
  }

  @Test
  void call_badReference_isUsageErrorNamingIt() {
    int code = run("--address", dir.resolve("c.sock").toString(), "UPPER/Case:1");
    assertEquals(2, code);
    assertTrue(err.toString().contains("bad image reference 'UPPER/Case:1'"), err.toString());
  }

  @Test
  void call_noSocket_failsWithOneLine() {
    Path socket = dir.resolve("containerd.sock");
    int code = run("--address", socket.toString(), "127.0.0.1:5000/a:1");
    assertEquals(1, code);
    assertEquals(
        "thaw-snapshotter: connect to containerd at "
            + socket
            + ": no such socket (is containerd"
            + " running?)",
        err.toString().strip());
  }
}
