package dev.thaw.image.tar;

import static dev.thaw.testimages.TestLayers.dir;
import static dev.thaw.testimages.TestLayers.file;
import static dev.thaw.testimages.TestLayers.hardlink;
import static dev.thaw.testimages.TestLayers.symlink;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.testimages.TestEntry;
import dev.thaw.testimages.TestLayers;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TarEntryValidatorTest {

  static Stream<Arguments> badLayers() {
    return Stream.of(
        Arguments.of("../etc/passwd", List.of(file("../etc/passwd", "x")), "'..'"),
        Arguments.of("a/../../b", List.of(file("a/../../b", "x")), "'..'"),
        Arguments.of("/etc/passwd", List.of(file("/etc/passwd", "x")), "absolute"),
        Arguments.of("a/l", List.of(symlink("a/l", "../../etc")), "escapes the root"),
        Arguments.of("l", List.of(symlink("l", "..")), "escapes the root"),
        Arguments.of("h", List.of(hardlink("h", "../x")), "'..'"),
        Arguments.of(
            "etc/hard",
            List.of(dir("etc"), hardlink("etc/hard", "../outside")),
            "hardlink target '../outside' has a '..' segment"),
        Arguments.of("s", List.of(symlink("s", "t/".repeat(2049))), "longer than 4096"),
        Arguments.of("h", List.of(hardlink("h", "/etc/x")), "absolute"),
        Arguments.of("h", List.of(hardlink("h", "missing")), "not an earlier entry"),
        Arguments.of("h", List.of(dir("d"), hardlink("h", "d")), "directory"),
        Arguments.of("f", List.of(file("f", "1"), file("./f", "2")), "duplicate"),
        Arguments.of("d/", List.of(dir("d"), dir("d/")), "duplicate"),
        Arguments.of("n".repeat(256), List.of(file("n".repeat(256), "x")), "longer than 255"),
        Arguments.of(
            "p", List.of(file(("p".repeat(200) + "/").repeat(21) + "p", "x")), "longer than 4096"));
  }

  @ParameterizedTest
  @MethodSource("badLayers")
  void write_badEntry_throwsTarFormatExceptionNamingLayerAndEntry(
      String entry, List<TestEntry> entries, String reason) {
    byte[] tar = TestLayers.tar(entries);
    TarFormatException e =
        assertThrows(
            TarFormatException.class,
            () ->
                new EstargzWriter(WriterOptions.defaults(6).withParallelism(1))
                    .write(
                        new SeekableInMemoryByteChannel(tar),
                        new ByteArrayOutputStream(),
                        "layer-7"));
    assertTrue(e.getMessage().contains("layer-7"), e.getMessage());
    assertTrue(e.getMessage().contains(entry.substring(0, Math.min(entry.length(), 20))));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void write_truncatedTar_throwsTarFormatException() {
    byte[] tar = TestLayers.tar(file("f", TestLayers.randomBytes(5000, 1)));
    byte[] cut = java.util.Arrays.copyOf(tar, 2048);
    assertThrows(
        TarFormatException.class,
        () ->
            new EstargzWriter(WriterOptions.defaults(6).withParallelism(1))
                .write(new SeekableInMemoryByteChannel(cut), new ByteArrayOutputStream(), "l"));
  }

  @Test
  void write_safeLinks_accepted() {
    byte[] tar =
        TestLayers.tar(
            dir("a/b"),
            symlink("a/b/up", "../../top"),
            symlink("abs", "/etc/../../x"),
            file("top", "t"),
            hardlink("a/h", "./top"));
    assertDoesNotThrow(() ->
        new EstargzWriter(WriterOptions.defaults(6).withParallelism(1))
            .write(new SeekableInMemoryByteChannel(tar), new ByteArrayOutputStream(), "l"));
  }
}
