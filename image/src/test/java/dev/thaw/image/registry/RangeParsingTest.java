package dev.thaw.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RangeParsingTest {
  @ParameterizedTest
  @CsvSource({
    "'bytes 0-99/1000', 0, 99, 1000",
    "'bytes 500-999/1000', 500, 999, 1000",
    "'bytes 0-0/1', 0, 0, 1",
    "'bytes 10-19/*', 10, 19, -1",
    "'BYTES 1-2/3', 1, 2, 3",
    "' bytes 4294967296-4294967297/8589934592 ', 4294967296, 4294967297, 8589934592",
    "'bytes */1000', -1, -1, 1000",
  })
  void parse_contentRange_fields(String header, long first, long last, long total) {
    assertEquals(new ContentRange(first, last, total), ContentRange.parse(header));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "bytes",
        "bytes 5-4/10",
        "bytes 0-10/10",
        "items 0-1/2",
        "bytes 0-1",
        "bytes -1-2/3",
        "bytes 0-99999999999999999999/1"
      })
  void parse_badContentRange_throws(String header) {
    assertThrows(IllegalArgumentException.class, () -> ContentRange.parse(header));
  }

  @ParameterizedTest
  @CsvSource({
    "'multipart/byteranges; boundary=abc', abc",
    "'multipart/byteranges; boundary=\"a b\"', a b",
    "'Multipart/ByteRanges;charset=x;boundary=Z9', Z9",
    "'application/octet-stream', ''",
  })
  void boundary_contentTypes_extracted(String contentType, String boundary) {
    assertEquals(boundary == null ? "" : boundary, MultipartByteRanges.boundary(contentType));
  }

  @Test
  void parse_authChallenge_quotedCommas() {
    AuthChallenge c =
        AuthChallenge.parse(
            "Bearer realm=\"https://auth.example/token\",service=\"reg.example\",scope=\"repository:a/b:pull,push\"");
    assertEquals("bearer", c.scheme());
    assertEquals(
        Map.of(
            "realm",
            "https://auth.example/token",
            "service",
            "reg.example",
            "scope",
            "repository:a/b:pull,push"),
        c.params());
    assertEquals(
        Map.of("realm", "thaw-test"), AuthChallenge.parse("Basic realm=\"thaw-test\"").params());
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:5001, true",
    "localhost, true",
    "[::1]:80, true",
    "localhost.example:1, false",
    "registry.example, false",
    "10.0.0.1:5000, false"
  })
  void isLoopback_hosts(String host, boolean loopback) {
    assertEquals(loopback, RegistryTransport.isLoopback(host));
  }
}
