package dev.thaw.snapshotter.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrefetchLinesTest {

  /** Reads a line the way thaw-indexer's --prefetch does: strip, drop the leading /, glob. */
  private static PathMatcher asIndexerReadsIt(String line) {
    String p = line.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return FileSystems.getDefault().getPathMatcher("glob:" + p);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/usr/bin/python3|/usr/bin/python3",
        "/a/*.py|/a/\\*.py",
        "/q?/[x]{y,z}|/q\\?/\\[x\\]\\{y,z\\}",
        "/back\\slash|/back\\\\slash",
      })
  void line_metacharacters_escaped(String path, String expected) {
    assertEquals(expected, PrefetchLines.line(path));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/usr/lib/python3/dist-packages/numpy/__init__.py",
        "/a/*.py",
        "/weird [1]/{x,y}?",
        "/back\\slash/f",
        "/trailing space ",
        "/tab\tinside",
        "/line\nbreak",
        "/ünïcödé/文件",
        "/#not-a-comment",
      })
  void line_anyPath_matchesExactlyThatPathWhenReadBack(String path) {
    String line = PrefetchLines.line(path);
    assertFalse(line.contains("\n"), line);
    assertTrue(asIndexerReadsIt(line).matches(Path.of(path.substring(1))), line);
  }

  @Test
  void line_star_doesNotMatchSiblings() {
    PathMatcher m = asIndexerReadsIt(PrefetchLines.line("/a/*.py"));
    assertTrue(m.matches(Path.of("a/*.py")));
    assertFalse(m.matches(Path.of("a/main.py")));
  }
}
