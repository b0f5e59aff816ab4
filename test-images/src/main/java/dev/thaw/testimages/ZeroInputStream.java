package dev.thaw.testimages;

import java.io.InputStream;
import java.util.Arrays;

/** {@code size} zero bytes. Confined to one thread. */
final class ZeroInputStream extends InputStream {
  private long remaining;

  ZeroInputStream(long size) {
    this.remaining = size;
  }

  @Override
  public int read() {
    if (remaining == 0) {
      return -1;
    }
    remaining--;
    return 0;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (remaining == 0) {
      return -1;
    }
    int n = (int) Math.min(len, remaining);
    Arrays.fill(b, off, off + n, (byte) 0);
    remaining -= n;
    return n;
  }
}
