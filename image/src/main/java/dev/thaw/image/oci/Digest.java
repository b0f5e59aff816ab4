package dev.thaw.image.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content digest in OCI form, {@code algorithm:encoded}. Only {@code sha256} and {@code sha512}
 * are accepted; the encoded part must be lowercase hex of the algorithm's length.
 *
 * <p>Immutable.
 *
 * @param algorithm the algorithm, {@code sha256} or {@code sha512}
 * @param hex the lowercase hex encoding of the digest bytes
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

  /** Validates the parts; throws {@link IllegalArgumentException} naming the bad value. */
  public Digest {
    // The algorithm names are shared constants: a TOC index holds a digest per file, and a copy
    // of "sha256" per digest cost 48 bytes each.
    int expected =
        switch (algorithm) {
          case "sha256" -> {
            algorithm = "sha256";
            yield 64;
          }
          case "sha512" -> {
            algorithm = "sha512";
            yield 128;
          }
          default ->
              throw new IllegalArgumentException(
                  "parse digest: unsupported algorithm '" + algorithm + "'");
        };
    if (hex.length() != expected || !isLowercaseHex(hex)) {
      throw new IllegalArgumentException(
          "parse digest: '" + algorithm + ":" + hex + "' is not " + expected + " lowercase hex");
    }
  }

  // A loop, not a regular expression: every TOC entry of a file holds one or two digests, and a
  // cold TOC is parsed while containerd waits.
  private static boolean isLowercaseHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses {@code algorithm:hex}.
   *
   * @throws IllegalArgumentException if the text is not a valid digest; the message quotes it
   */
  public static Digest parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("parse digest: '" + text + "' has no algorithm prefix");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The SHA-256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    return sha256(bytes, 0, bytes.length);
  }

  /** The SHA-256 digest of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static Digest sha256(byte[] bytes, int offset, int length) {
    MessageDigest md = newSha256();
    md.update(bytes, offset, length);
    return ofSha256(md.digest());
  }

  /** Wraps a raw 32-byte SHA-256 value. */
  public static Digest ofSha256(byte[] raw) {
    return new Digest("sha256", HexFormat.of().formatHex(raw));
  }

  /** A fresh SHA-256 {@link MessageDigest}; every JDK has one. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /** A short form for logs, {@code sha256:0123456789ab}. */
  public String shortForm() {
    return algorithm + ":" + hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }
}
