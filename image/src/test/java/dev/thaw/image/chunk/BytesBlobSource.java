package dev.thaw.image.chunk;

import dev.thaw.image.blob.BlobSource;
import java.io.EOFException;
import java.util.Arrays;

/** An in-memory blob for tests. Thread-safe (immutable). */
final class BytesBlobSource implements BlobSource {
  private final byte[] bytes;
  private final String name;

  BytesBlobSource(byte[] bytes, String name) {
    this.bytes = bytes;
    this.name = name;
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public byte[] read(long offset, int length) throws EOFException {
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new EOFException(
          "read " + name + " bytes " + offset + "+" + length + " past " + bytes.length);
    }
    return Arrays.copyOfRange(bytes, (int) offset, (int) offset + length);
  }

  @Override
  public String describe() {
    return name;
  }
}
