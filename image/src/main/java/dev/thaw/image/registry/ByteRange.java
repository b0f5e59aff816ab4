package dev.thaw.image.registry;

/**
 * A byte range of a blob: {@code length} bytes from {@code offset}. Immutable.
 *
 * @param offset first byte, from 0
 * @param length number of bytes, at least 1
 */
public record ByteRange(long offset, long length) {
  /** Validates. */
  public ByteRange {
    if (offset < 0 || length < 1) {
      throw new IllegalArgumentException(
          "byte range: bad offset " + offset + " or length " + length);
    }
  }

  /** The last byte, inclusive. */
  public long last() {
    return offset + length - 1;
  }

  /** The exclusive end. */
  public long end() {
    return offset + length;
  }

  /** True if {@code other} lies entirely inside this range. */
  public boolean contains(ByteRange other) {
    return other.offset >= offset && other.end() <= end();
  }

  /** The HTTP form {@code first-last}, as used after {@code bytes=}. */
  String spec() {
    return offset + "-" + last();
  }

  @Override
  public String toString() {
    return "bytes " + offset + "-" + last();
  }
}
