package dev.thaw.image.toc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.thaw.image.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The TOC's JSON form, compatible with eStargz ({@code estargz/types.go}) and zstd:chunked: zero
 * values omitted, {@code modtime} RFC 3339 in UTC with whole seconds, xattr values base64. Unknown
 * fields are ignored on read.
 *
 * <p>Thread-safe (stateless).
 */
public final class TocJson {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(40).build())
          .build();
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private TocJson() {}

  /** Encodes a TOC; the bytes whose sha256 is the TOC digest. */
  public static byte[] encode(Toc toc) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + toc.entries().size() * 200);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("version", toc.version());
      g.writeArrayFieldStart("entries");
      for (TocEntry e : toc.entries()) {
        writeEntry(g, e);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("encode TOC in memory", e);
    }
    return out.toByteArray();
  }

  private static void writeEntry(JsonGenerator g, TocEntry e) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", e.name());
    g.writeStringField("type", e.type().jsonName());
    writeLong(g, "size", e.size());
    if (e.type() != TocEntryType.CHUNK) {
      g.writeStringField("modtime", RFC3339.format(e.modTime().truncatedTo(ChronoUnit.SECONDS)));
    }
    writeString(g, "linkName", e.linkName());
    writeLong(g, "mode", e.mode());
    writeLong(g, "uid", e.uid());
    writeLong(g, "gid", e.gid());
    writeString(g, "userName", e.userName());
    writeString(g, "groupName", e.groupName());
    writeLong(g, "devMajor", e.devMajor());
    writeLong(g, "devMinor", e.devMinor());
    if (!e.xattrs().isEmpty()) {
      g.writeObjectFieldStart("xattrs");
      for (Map.Entry<String, String> x : e.xattrs().entrySet()) {
        g.writeStringField(x.getKey(), x.getValue());
      }
      g.writeEndObject();
    }
    if (e.digest() != null) {
      g.writeStringField("digest", e.digest().toString());
    }
    writeLong(g, "offset", e.offset());
    writeLong(g, "endOffset", e.endOffset());
    writeLong(g, "chunkOffset", e.chunkOffset());
    writeLong(g, "chunkSize", e.chunkSize());
    if (e.chunkDigest() != null) {
      g.writeStringField("chunkDigest", e.chunkDigest().toString());
    }
    writeLong(g, "innerOffset", e.innerOffset());
    g.writeEndObject();
  }

  private static void writeLong(JsonGenerator g, String name, long v) throws IOException {
    if (v != 0) {
      g.writeNumberField(name, v);
    }
  }

  private static void writeString(JsonGenerator g, String name, String v) throws IOException {
    if (!v.isEmpty()) {
      g.writeStringField(name, v);
    }
  }

  /**
   * Decodes TOC JSON.
   *
   * @param layer names the layer in messages
   * @throws TocFormatException if the bytes are not a TOC; the message names layer and entry
   */
  public static Toc decode(byte[] json, String layer) throws TocFormatException {
    try (JsonParser p = FACTORY.createParser(json)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "TOC object");
      int version = 0;
      List<TocEntry> entries = new ArrayList<>();
      Repeats repeats = new Repeats();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "version" -> {
            expect(p, t, JsonToken.VALUE_NUMBER_INT, "version");
            version = p.getIntValue();
          }
          case "entries" -> {
            expect(p, t, JsonToken.START_ARRAY, "entries array");
            while (p.nextToken() == JsonToken.START_OBJECT) {
              TocEntry e = readEntry(p, entries.size(), repeats);
              repeats.previousName = e.name();
              entries.add(e);
            }
            expect(p, p.currentToken(), JsonToken.END_ARRAY, "end of entries");
          }
          default -> p.skipChildren();
        }
      }
      expect(p, p.currentToken(), JsonToken.END_OBJECT, "end of TOC");
      if (p.nextToken() != null) {
        throw new IOException("trailing data after the TOC object");
      }
      if (version != 1) {
        throw new IOException("unsupported TOC version " + version);
      }
      return new Toc(version, entries);
    } catch (EntryException e) {
      throw new TocFormatException(
          "decode TOC of layer " + layer + ": entry " + e.where + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new TocFormatException("decode TOC of layer " + layer + ": " + oneLine(e), e);
    }
  }

  private static TocEntry readEntry(JsonParser p, int index, Repeats repeats) throws IOException {
    String name = null;
    String type = null;
    TocEntry.Builder b = TocEntry.builder("", TocEntryType.DIR);
    Map<String, String> xattrs = Map.of();
    try {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "name" -> name = text(p, t, field);
          case "type" -> type = text(p, t, field);
          case "size" -> b.size(number(p, t, field));
          case "modtime" -> b.modTime(repeats.modTime(text(p, t, field)));
          case "linkName" -> b.linkName(text(p, t, field));
          case "mode" -> b.mode(number(p, t, field));
          case "uid" -> b.uid(number(p, t, field));
          case "gid" -> b.gid(number(p, t, field));
          case "userName" -> b.userName(repeats.string(text(p, t, field)));
          case "groupName" -> b.groupName(repeats.string(text(p, t, field)));
          case "devMajor" -> b.devMajor(number(p, t, field));
          case "devMinor" -> b.devMinor(number(p, t, field));
          case "xattrs" -> xattrs = readXattrs(p, t);
          case "digest" -> b.digest(repeats.digest(text(p, t, field)));
          case "offset" -> b.offset(number(p, t, field));
          case "endOffset" -> b.endOffset(number(p, t, field));
          case "chunkOffset" -> b.chunkOffset(number(p, t, field));
          case "chunkSize" -> b.chunkSize(number(p, t, field));
          case "chunkDigest" -> b.chunkDigest(repeats.digest(text(p, t, field)));
          case "innerOffset" -> b.innerOffset(number(p, t, field));
          default -> p.skipChildren();
        }
      }
      if (name == null) {
        throw new IOException("no name");
      }
      String t = type == null ? "" : type;
      TocEntryType ty =
          TocEntryType.fromJsonName(t)
              .orElseThrow(() -> new IOException("unknown type '" + t + "'"));
      return b.name(repeats.name(name)).type(ty).xattrs(xattrs).build();
    } catch (IOException | RuntimeException e) {
      throw new EntryException(
          "#" + index + (name == null ? "" : " '" + name + "'"), oneLine(e), e);
    }
  }

  private static Map<String, String> readXattrs(JsonParser p, JsonToken t) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (t == JsonToken.VALUE_NULL) {
      return out;
    }
    expect(p, t, JsonToken.START_OBJECT, "xattrs object");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      String value = text(p, p.nextToken(), "xattr " + key);
      Base64.getDecoder().decode(value);
      out.put(key, value);
    }
    return out;
  }

  private static String oneLine(Exception e) {
    String m =
        e instanceof JsonProcessingException j
            ? j.getOriginalMessage()
                + (j.getLocation() == null ? "" : " at byte " + j.getLocation().getByteOffset())
            : String.valueOf(e.getMessage());
    return m.replace('\n', ' ');
  }

  /**
   * Parses an RFC 3339 time. The form every writer of TOCs uses, {@code uuuu-MM-ddTHH:mm:ssZ}, is
   * read by hand: {@link OffsetDateTime#parse} costs microseconds and a dozen objects per call, and
   * a cold TOC of ten thousand entries is parsed while containerd waits for its Prepare. Any other
   * form (fractions, offsets) goes through the full parser, which also rejects what is invalid.
   */
  static Instant parseTime(String s) throws IOException {
    if (s.length() == 20
        && s.charAt(4) == '-'
        && s.charAt(7) == '-'
        && s.charAt(10) == 'T'
        && s.charAt(13) == ':'
        && s.charAt(16) == ':'
        && s.charAt(19) == 'Z') {
      int year = digits(s, 0, 4);
      int month = digits(s, 5, 2);
      int day = digits(s, 8, 2);
      int hour = digits(s, 11, 2);
      int minute = digits(s, 14, 2);
      int second = digits(s, 17, 2);
      if (year >= 0
          && month >= 1
          && month <= 12
          && day >= 1
          && day <= 28
          && hour <= 23
          && minute <= 59
          && second <= 59
          && hour >= 0
          && minute >= 0
          && second >= 0) {
        // Days 29-31 take the full parser, which knows month lengths and leap years.
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600 + minute * 60 + second);
      }
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeException e) {
      throw new IOException("modtime '" + s + "' is not RFC 3339", e);
    }
  }

  /** The decimal number of {@code length} ASCII digits at {@code from}, or -1 if one is not. */
  private static int digits(String s, int from, int length) {
    int v = 0;
    for (int i = from; i < from + length; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * Values that repeat from one entry to the next within one TOC: most entries of a layer share a
   * handful of modification times, and a file of one chunk carries the same digest as {@code
   * digest} and {@code chunkDigest}. Parsed once, shared (both are immutable). A TOC index keeps
   * the entries for as long as the layer is mounted, so owner and group names and the name a file's
   * chunk entries repeat are shared too (with the digests, 1,010 -> 494 heap bytes per indexed
   * entry of a 59,633-entry TOC of small files). Confined to one decode.
   */
  private static final class Repeats {
    /** Above this many distinct names the table stops growing: they are then mostly unique. */
    private static final int MAX_STRINGS = 1024;

    private final Map<String, String> strings = new HashMap<>();
    private String previousName;
    private String modTimeText;
    private Instant modTime;
    private String digestText;
    private Digest digest;

    Instant modTime(String text) throws IOException {
      if (!text.equals(modTimeText)) {
        modTime = parseTime(text);
        modTimeText = text;
      }
      return modTime;
    }

    /** An owner or group name, shared with equal ones before it. */
    String string(String s) {
      String shared = strings.get(s);
      if (shared != null) {
        return shared;
      }
      if (strings.size() < MAX_STRINGS) {
        strings.put(s, s);
      }
      return s;
    }

    /** The previous entry's name when equal (a chunk entry names its file), else {@code name}. */
    String name(String name) {
      return name.equals(previousName) ? previousName : name;
    }

    Digest digest(String text) {
      if (text.isEmpty()) {
        return null;
      }
      if (!text.equals(digestText)) {
        digest = Digest.parse(text);
        digestText = text;
      }
      return digest;
    }
  }

  private static String text(JsonParser p, JsonToken t, String field) throws IOException {
    expect(p, t, JsonToken.VALUE_STRING, field);
    return p.getText();
  }

  private static long number(JsonParser p, JsonToken t, String field) throws IOException {
    expect(p, t, JsonToken.VALUE_NUMBER_INT, field);
    return p.getLongValue();
  }

  private static void expect(JsonParser p, JsonToken got, JsonToken want, String what)
      throws IOException {
    if (got != want) {
      throw new IOException(
          "expected "
              + what
              + " at byte "
              + p.currentLocation().getByteOffset()
              + ", got "
              + (got == null ? "end of input" : got.name()));
    }
  }

  /** Carries the entry position out of {@link #readEntry}. */
  private static final class EntryException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String where;

    EntryException(String where, String message, Throwable cause) {
      super(message, cause);
      this.where = where;
    }
  }
}
