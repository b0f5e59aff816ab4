package dev.thaw.image.toc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
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

  @Test
  void decode_repeatedValues_sharedBetweenEntries() throws Exception {
    Instant t = Instant.parse("2024-01-02T03:04:05Z");
    TocEntry.Builder file =
        TocEntry.builder("d/f", TocEntryType.REG)
            .size(3)
            .modTime(t)
            .userName("root")
            .groupName("root")
            .digest(D)
            .chunkDigest(D)
            .chunkSize(1);
    Toc toc =
        Toc.of(
            List.of(
                file.build(),
                TocEntry.builder("d/f", TocEntryType.CHUNK).chunkOffset(1).chunkDigest(D).build(),
                file.name("d/g").build()));
    List<TocEntry> decoded = TocJson.decode(TocJson.encode(toc), "t").entries();
    assertEquals(toc.entries(), decoded);
    TocEntry f = decoded.get(0);
    TocEntry chunk = decoded.get(1);
    TocEntry g = decoded.get(2);
    assertSame(f.digest(), f.chunkDigest());
    assertSame(f.name(), chunk.name());
    assertSame(f.userName(), g.groupName());
    assertSame(f.modTime(), g.modTime());
    assertSame(f.digest(), g.digest());
    assertSame(f.digest().algorithm(), Digest.sha256(new byte[0]).algorithm());
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

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1970-01-01T00:00:00Z",
        "2026-12-07T16:54:09Z",
        "2024-02-29T23:59:59Z",
        "2026-01-31T12:00:00Z",
        "0001-01-01T00:00:00Z",
        "9999-12-28T23:59:59Z",
        "2026-12-07T16:54:09.123456789Z",
        "2026-12-07T16:54:09+02:00",
      })
  void parseTime_validRfc3339_agreesWithOffsetDateTime(String text) throws Exception {
    assertEquals(OffsetDateTime.parse(text).toInstant(), TocJson.parseTime(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-29T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z",
        "2026-12-00T00:00:00Z",
        "2026-12-07T24:00:00Z",
        "2026-12-07T16:60:00Z",
        "2026-12-07T16:54:60Z",
        "2026-12-07T16:54:0xZ",
        "2026-12-07 16:54:09Z",
        "+026-12-07T16:54:09Z",
        "",
      })
  void parseTime_invalid_throwsNamingTheValue(String text) {
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> TocJson.parseTime(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @Test
  void decode_repeatedModTimesAndDigests_eachEntryKeepsItsOwnValues() throws Exception {
    String a = "sha256:" + "a".repeat(64);
    String b = "sha256:" + "b".repeat(64);
    String json =
        "{\"version\":1,\"entries\":["
            + "{\"name\":\"x\",\"type\":\"reg\",\"size\":1,\"modtime\":\"2026-01-01T00:00:00Z\","
            + "\"digest\":\""
            + a
            + "\",\"chunkDigest\":\""
            + a
            + "\"},"
            + "{\"name\":\"y\",\"type\":\"reg\",\"size\":1,\"modtime\":\"2026-01-01T00:00:00Z\","
            + "\"digest\":\""
            + b
            + "\",\"chunkDigest\":\""
            + b
            + "\"},"
            + "{\"name\":\"z\",\"type\":\"dir\",\"modtime\":\"2026-01-02T00:00:00Z\"}]}";
    List<TocEntry> entries =
        TocJson.decode(json.getBytes(StandardCharsets.UTF_8), "sha256:layer").entries();
    assertEquals(Digest.parse(a), entries.get(0).digest());
    assertEquals(Digest.parse(a), entries.get(0).chunkDigest());
    assertEquals(Digest.parse(b), entries.get(1).digest());
    assertEquals(Digest.parse(b), entries.get(1).chunkDigest());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), entries.get(1).modTime());
    assertEquals(Instant.parse("2026-01-02T00:00:00Z"), entries.get(2).modTime());
    assertEquals(null, entries.get(2).digest());
    assertTrue(entries.get(2).xattrs().isEmpty());
  }
}
