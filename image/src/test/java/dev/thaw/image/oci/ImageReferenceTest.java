package dev.thaw.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ImageReferenceTest {
  private static final String D =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "alpine|docker.io|library/alpine|latest|",
        "alpine:3.19|docker.io|library/alpine|3.19|",
        "user/app|docker.io|user/app|latest|",
        "index.docker.io/user/app:v1|docker.io|user/app|v1|",
        "127.0.0.1:5001/thaw/demo:v1|127.0.0.1:5001|thaw/demo|v1|",
        "localhost/a/b/c|localhost|a/b/c|latest|",
        "localhost:5001/a|localhost:5001|a|latest|",
        "ghcr.io/org/img@" + D + "|ghcr.io|org/img||" + D,
        "ghcr.io/org/img:tag@" + D + "|ghcr.io|org/img|tag|" + D,
        "[::1]:5001/x_y/z-w.q:T_1.0-rc|[::1]:5001|x_y/z-w.q|T_1.0-rc|",
      })
  void parse_registryReference_normalizes(
      String text, String registry, String repository, String tag, String digest) {
    RegistryReference ref = assertInstanceOf(RegistryReference.class, ImageReference.parse(text));
    assertEquals(registry, ref.registry());
    assertEquals(repository, ref.repository());
    assertEquals(tag == null ? "" : tag, ref.tag());
    assertEquals(digest == null ? null : Digest.parse(digest), ref.digest().orElse(null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "UPPER/case",
        "host.io/repo:",
        "host.io/repo@sha256:abc",
        "host.io/re//po",
        "host.io/repo:bad*tag",
        "-leading/dash",
      })
  void parse_badReference_throwsNamingText(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(text));
    assertEquals(true, e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "oci:/tmp/layout|/tmp/layout|",
        "oci:/tmp/layout:v1|/tmp/layout|v1",
        "oci:rel/dir:latest|rel/dir|latest",
        "oci:/tmp/a:b/c|/tmp/a:b/c|",
      })
  void parse_layoutReference_splitsTag(String text, String dir, String tag) {
    LayoutReference ref = assertInstanceOf(LayoutReference.class, ImageReference.parse(text));
    assertEquals(Path.of(dir), ref.directory());
    assertEquals(tag == null ? "" : tag, ref.tag());
  }

  @Test
  void toString_registryReference_roundTrips() {
    String text = "127.0.0.1:5001/thaw/demo:v1@" + D;
    assertEquals(text, RegistryReference.parse(text).toString());
    assertEquals(D, RegistryReference.parse(text).manifestReference());
    assertEquals("v1", RegistryReference.parse("127.0.0.1:5001/thaw/demo:v1").manifestReference());
  }
}
