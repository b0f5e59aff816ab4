package dev.thaw.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PrefetchPatternsTest {
  private static final List<String> NAMES =
      List.of("", "bin", "bin/sh", "bin/ls", "etc", "etc/hosts", "usr/lib/libc.so.6", "app/main");

  @Test
  void expand_pathsAndGlobs_keepsListOrderThenTarOrder() {
    PrefetchPatterns p =
        PrefetchPatterns.parse(List.of("# start-up", "/app/main", "", "bin/*", "usr/**", "bin/sh"));
    assertTrue(p.given());
    assertEquals(List.of("app/main", "bin/sh", "bin/ls", "usr/lib/libc.so.6"), p.expand(NAMES));
  }

  @Test
  void expand_noMatch_isEmptyButGiven() {
    PrefetchPatterns p = PrefetchPatterns.parse(List.of("opt/*"));
    assertTrue(p.given());
    assertEquals(List.of(), p.expand(NAMES));
  }

  @Test
  void none_isNotGiven() {
    assertFalse(PrefetchPatterns.none().given());
    assertEquals(List.of(), PrefetchPatterns.none().expand(NAMES));
  }
}
