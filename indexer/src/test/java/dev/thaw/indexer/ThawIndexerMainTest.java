package dev.thaw.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ThawIndexerMainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return ThawIndexerMain.run(
        args,
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        false,
        Map.of("HOME", "/nonexistent"));
  }

  @Test
  void run_help_listsCommandsAndExitsZero() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("convert"), out.toString());
    assertTrue(out.toString().contains("inspect"), out.toString());
    assertTrue(out.toString().contains("verify"), out.toString());
  }

  @Test
  void run_convertHelp_showsDefaults() {
    assertEquals(0, run("convert", "--help"));
    assertTrue(out.toString().contains("--chunk-size"), out.toString());
    assertTrue(out.toString().contains("4MiB"), out.toString());
  }

  @Test
  void run_noCommand_isUsageError() {
    assertEquals(2, run());
    assertTrue(err.toString().contains("a command is required"), err.toString());
  }

  @Test
  void run_badChunkSize_isUsageErrorNamingValue() {
    assertEquals(2, run("convert", "--chunk-size", "lots", "a/b:c", "a/b:d"));
    assertTrue(err.toString().contains("'lots'"), err.toString());
  }

  @Test
  void run_badFormat_isUsageError() {
    assertEquals(2, run("convert", "--format", "squashfs", "a/b:c", "a/b:d"));
    assertTrue(err.toString().contains("estargz or zstd-chunked"), err.toString());
  }

  @Test
  void run_tooSmallChunkSize_failsWithOneLine() {
    assertEquals(1, run("convert", "--chunk-size", "1", "a/b:c", "a/b:d"));
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
    assertTrue(err.toString().startsWith("thaw-indexer convert: "), err.toString());
  }
}
