package dev.thaw.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TarEntryCheckerTest {
  private final TarEntryChecker checker = new TarEntryChecker();

  private static TarArchiveEntry file(String name) {
    return new TarArchiveEntry(name, true);
  }

  private static TarArchiveEntry link(String name, String target, byte type) {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setLinkName(target);
    return e;
  }

  @ParameterizedTest
  @CsvSource({"etc/hosts, etc/hosts", "./etc/hosts, etc/hosts", "etc//x/./y, etc/x/y", "./, ''"})
  void check_plainNames_returnsNormalized(String name, String expected) throws Exception {
    assertEquals(expected, checker.check(file(name)));
  }

  @ParameterizedTest
  @CsvSource({
    "/etc/passwd, is absolute",
    "../etc/passwd, contains '..'",
    "a/../../b, contains '..'",
  })
  void check_unsafeName_throwsNamingEntry(String name, String reason) {
    InvalidTarEntryException e =
        assertThrows(InvalidTarEntryException.class, () -> checker.check(file(name)));
    assertEquals(name, e.entry());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void check_componentOver255Bytes_throws() throws Exception {
    assertEquals("d/" + "x".repeat(255), checker.check(file("d/" + "x".repeat(255))));
    InvalidTarEntryException e =
        assertThrows(
            InvalidTarEntryException.class, () -> checker.check(file("d/" + "y".repeat(256))));
    assertTrue(e.getMessage().contains("longer than 255"), e.getMessage());
  }

  @Test
  void check_duplicateEntry_throws() throws Exception {
    checker.check(file("etc/hosts"));
    InvalidTarEntryException e =
        assertThrows(InvalidTarEntryException.class, () -> checker.check(file("./etc/hosts")));
    assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
  }

  @Test
  void check_hardlinkToEarlierEntry_passes() throws Exception {
    checker.check(file("bin/a"));
    assertEquals("bin/b", checker.check(link("bin/b", "bin/a", TarConstants.LF_LINK)));
  }

  @ParameterizedTest
  @CsvSource({"/etc/passwd, absolute", "../x, '..'", "bin/missing, not an earlier entry"})
  void check_hardlinkEscapingOrMissing_throws(String target, String reason) {
    InvalidTarEntryException e =
        assertThrows(
            InvalidTarEntryException.class,
            () -> checker.check(link("bin/b", target, TarConstants.LF_LINK)));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "bin/sh, /usr/bin/bash",
    "bin/sh, bash",
    "bin/sh, ../usr/bin/bash",
    "a/b/c, ../../x",
    "x, ./y"
  })
  void check_symlinkInsideRoot_passes(String name, String target) throws Exception {
    checker.check(link(name, target, TarConstants.LF_SYMLINK));
  }

  @ParameterizedTest
  @CsvSource({"bin/sh, ../../etc/passwd", "x, ../y", "a/b/c, ../../../x", "a, b/../../.."})
  void check_symlinkEscapingRoot_throws(String name, String target) {
    InvalidTarEntryException e =
        assertThrows(
            InvalidTarEntryException.class,
            () -> checker.check(link(name, target, TarConstants.LF_SYMLINK)));
    assertTrue(e.getMessage().contains("escapes the layer root"), e.getMessage());
  }
}
