package dev.thaw.snapshotter.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProfileCommandTest {
  private static final String LAYER = "sha256:" + "a".repeat(64);
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir Path root;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void record() throws Exception {
    try (ProfileStore store = ProfileStore.open(root.resolve(ProfileStore.FILE_NAME))) {
      store.write(
          Map.of("docker.io/library/python:3", T0, "127.0.0.1:5000/app:1", T0),
          Duration.ofSeconds(60),
          List.of(
              new ProfiledFile(
                  "docker.io/library/python:3", "/usr/bin/python3", T0.plusMillis(2), LAYER, 10),
              new ProfiledFile(
                  "docker.io/library/python:3", "/etc/ld.so.cache", T0.plusMillis(1), LAYER, 20),
              new ProfiledFile(
                  "docker.io/library/python:3", "/app/[x].py", T0.plusMillis(3), LAYER, 30),
              new ProfiledFile("127.0.0.1:5000/app:1", "/bin/app", T0, LAYER, 5)),
          List.of());
    }
  }

  private int run(String... args) {
    CommandLine cli = new CommandLine(new ProfileCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      err.write(e.getMessage());
      return 1;
    });
    return cli.execute(args);
  }

  @Test
  void export_shortReference_canonicalizedAndPrintedInFirstAccessOrder() {
    assertEquals(0, run("export", "python:3", "--root", root.toString()), err.toString());
    assertEquals(
        List.of("/etc/ld.so.cache", "/usr/bin/python3", "/app/\\[x\\].py"),
        out.toString().lines().toList());
  }

  @Test
  void export_rootFromConfigFile_used() throws Exception {
    Path config = Files.writeString(root.resolve("config.toml"), "root = \"" + root + "\"\n");
    assertEquals(
        0, run("export", "127.0.0.1:5000/app:1", "--config", config.toString()), err.toString());
    assertEquals(List.of("/bin/app"), out.toString().lines().toList());
  }

  @Test
  void export_unknownReference_failsListingKnownOnes() {
    assertEquals(1, run("export", "127.0.0.1:5000/nope:1", "--root", root.toString()));
    String message = err.toString();
    assertTrue(message.contains("127.0.0.1:5000/nope:1"), message);
    assertTrue(message.contains("127.0.0.1:5000/app:1, docker.io/library/python:3"), message);
    assertEquals("", out.toString());
  }

  @Test
  void export_noStore_failsNamingTheFile() throws Exception {
    Path empty = Files.createDirectory(root.resolve("empty"));
    assertEquals(1, run("export", "python:3", "--root", empty.toString()));
    assertTrue(
        err.toString().contains(empty.resolve(ProfileStore.FILE_NAME).toString()), err.toString());
    assertTrue(Files.notExists(empty.resolve(ProfileStore.FILE_NAME)));
  }

  @Test
  void export_rootAndConfig_usageError() {
    assertEquals(2, run("export", "python:3", "--root", "/a", "--config", "/b"));
  }

  @Test
  void mayStillRecord_windowPlusTwoFlushes_thenDone() {
    ProfileSummary s = new ProfileSummary("i", T0, Duration.ofSeconds(60), 1, 0);
    Duration flush = Duration.ofMillis(100);
    assertTrue(s.mayStillRecord(T0.plusSeconds(60), flush));
    assertTrue(s.mayStillRecord(T0.plusMillis(60_199), flush));
    assertFalse(s.mayStillRecord(T0.plusMillis(60_200), flush));
    ProfileSummary unknown = new ProfileSummary("i", T0, Duration.ZERO, 1, 0);
    assertTrue(unknown.mayStillRecord(T0.plusSeconds(3600), flush));
  }

  @Test
  void list_everyImage_withFileCountsAndBytes() {
    assertEquals(0, run("list", "--root", root.toString()), err.toString());
    List<String> lines = out.toString().lines().toList();
    assertEquals(2, lines.size(), out.toString());
    assertEquals("127.0.0.1:5000/app:1\t" + T0 + "\t1\t5", lines.get(0));
    assertEquals("docker.io/library/python:3\t" + T0 + "\t3\t60", lines.get(1));
  }
}
