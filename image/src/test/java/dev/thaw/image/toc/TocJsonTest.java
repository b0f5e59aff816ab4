package dev.thaw.image.toc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TocJsonTest {
  private static final Digest D = Digest.sha256(new byte[] {1});

  @Test
  void encode_decode_roundTrips() throws Exception {
    Toc toc =
        Toc.of(
            List.of(
                TocEntry.builder("etc/", TocEntryType.DIR)
                    .mode(0755)
                    .modTime(Instant.parse("2024-01-02T03:04:05Z"))
                    .build(),
                TocEntry.builder("etc/hosts", TocEntryType.REG)
                    .size(10)
                    .mode(0644)
                    .uid(1000)
                    .gid(1001)
                    .userName("u")
                    .groupName("g")
                    .xattr("user.k", new byte[] {0, (byte) 0xff})
                    .digest(D)
                    .offset(77)
                    .chunkSize(10)
                    .chunkDigest(D)
                    .innerOffset(3)
                    .build(),
                TocEntry.builder("dev/null", TocEntryType.CHAR).devMajor(1).devMinor(3).build(),
                TocEntry.builder("l", TocEntryType.SYMLINK).linkName("etc/hosts").build()));
    Toc back = TocJson.decode(TocJson.encode(toc), "t");
    assertEquals(toc, back);
    assertEquals(0xff, back.entries().get(1).xattr("user.k")[1] & 0xff);
  }

  @Test
  void encode_zeroValues_omitted() {
    String json =
        new String(
            TocJson.encode(Toc.of(List.of(TocEntry.builder("a", TocEntryType.DIR).build()))),
            StandardCharsets.UTF_8);
    assertEquals(
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"dir\","
            + "\"modtime\":\"1970-01-01T00:00:00Z\"}]}",
        json);
  }

  @Test
  void decode_goStyleToc_parses() throws Exception {
    String json =
        "{\"version\":1,\"entries\":[{\"name\":\"bin/\",\"type\":\"dir\",\"modtime\":"
            + "\"2019-08-20T10:30:43+02:00\",\"mode\":16877,\"NumLink\":0,\"unknown\":{\"a\":[1]}},"
            + "{\"name\":\"bin/sh\",\"type\":\"reg\",\"size\":3,\"offset\":42,\"digest\":\""
            + D
            + "\",\"chunkDigest\":\""
            + D
            + "\"}],\"tarsplit\":\"x\"}";
    Toc toc = TocJson.decode(json.getBytes(StandardCharsets.UTF_8), "t");
    assertEquals(2, toc.entries().size());
    assertEquals(Instant.parse("2019-08-20T08:30:43Z"), toc.entries().get(0).modTime());
    assertEquals(42, toc.entries().get(1).offset());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[]",
        "{\"version\":2,\"entries\":[]}",
        "{\"version\":1,\"entries\":[{\"type\":\"reg\"}]}",
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"socket\"}]}",
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"size\":-1}]}",
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"size\":\"1\"}]}",
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"digest\":\"md5:x\"}]}",
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"dir\",\"modtime\":\"yesterday\"}]}",
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"dir\",\"xattrs\":{\"k\":\"!!\"}}]}",
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"size\":99999999999999999999}]}",
        "{\"version\":1,\"entries\":[]} trailing",
        "{\"version\":1,\"entries\":[",
      })
  void decode_malformed_throwsTocFormatException(String json) {
    TocFormatException e =
        assertThrows(
            TocFormatException.class,
            () -> TocJson.decode(json.getBytes(StandardCharsets.UTF_8), "layer-q"));
    assertTrue(e.getMessage().startsWith("decode TOC of layer layer-q"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
