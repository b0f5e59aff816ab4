package dev.thaw.image.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses a {@code multipart/byteranges} body (RFC 9110 §14.6): parts separated by {@code
 * --BOUNDARY}, each with a {@code Content-Range} header, the data length taken from that header
 * (never by scanning for the boundary, so binary data is safe).
 *
 * <p>Stateless.
 */
final class MultipartByteRanges {
  /**
   * One part: its range and its bytes.
   *
   * @param range the part's range
   * @param data exactly {@code range.length()} bytes
   */
  record Part(ByteRange range, byte[] data) {}

  private MultipartByteRanges() {}

  /**
   * The boundary parameter of a {@code multipart/byteranges} content type, or empty if the type is
   * something else.
   */
  static String boundary(String contentType) {
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/byteranges")) {
      return "";
    }
    for (String param : contentType.split(";")) {
      String p = param.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String b = p.substring("boundary=".length());
        if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
          b = b.substring(1, b.length() - 1);
        }
        return b;
      }
    }
    return "";
  }

  /**
   * Splits {@code body} into parts.
   *
   * @throws IllegalArgumentException if the body is not well-formed multipart/byteranges
   */
  static List<Part> parse(byte[] body, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<Part> parts = new ArrayList<>();
    int pos = indexOf(body, delimiter, 0);
    if (pos < 0) {
      throw new IllegalArgumentException("multipart/byteranges: no boundary " + boundary);
    }
    while (true) {
      pos += delimiter.length;
      if (pos + 1 < body.length && body[pos] == '-' && body[pos + 1] == '-') {
        return parts;
      }
      pos = skipLineEnd(body, pos);
      ContentRange contentRange = null;
      while (true) {
        int eol = lineEnd(body, pos);
        String line = new String(body, pos, eol - pos, StandardCharsets.ISO_8859_1);
        pos = skipLineEnd(body, eol);
        if (line.isEmpty()) {
          break;
        }
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Range")) {
          contentRange = ContentRange.parse(line.substring(colon + 1));
        }
      }
      if (contentRange == null || contentRange.first() < 0) {
        throw new IllegalArgumentException(
            "multipart/byteranges: part " + parts.size() + " has no Content-Range");
      }
      ByteRange range = contentRange.range();
      if (range.length() > body.length - pos) {
        throw new IllegalArgumentException("multipart/byteranges: part " + range + " truncated");
      }
      byte[] data = new byte[(int) range.length()];
      System.arraycopy(body, pos, data, 0, data.length);
      parts.add(new Part(range, data));
      pos = indexOf(body, delimiter, pos + data.length);
      if (pos < 0) {
        throw new IllegalArgumentException(
            "multipart/byteranges: no closing boundary after " + range);
      }
    }
  }

  private static int lineEnd(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\r' || b[i] == '\n') {
        return i;
      }
    }
    throw new IllegalArgumentException("multipart/byteranges: headers not terminated");
  }

  private static int skipLineEnd(byte[] b, int pos) {
    if (pos < b.length && b[pos] == '\r') {
      pos++;
    }
    if (pos < b.length && b[pos] == '\n') {
      pos++;
    }
    return pos;
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = Math.max(from, 0); i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
