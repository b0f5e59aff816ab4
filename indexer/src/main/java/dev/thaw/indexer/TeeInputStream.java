package dev.thaw.indexer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies every byte read or skipped to an output stream, so a tar can be parsed and saved in one
 * pass. Confined to one thread.
 */
final class TeeInputStream extends FilterInputStream {
  private final OutputStream copy;

  TeeInputStream(InputStream in, OutputStream copy) {
    super(in);
    this.copy = copy;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      copy.write(b);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      copy.write(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(Math.max(n, 1), 1 << 16)];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }
}
