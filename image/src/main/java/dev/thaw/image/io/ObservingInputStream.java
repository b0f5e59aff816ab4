package dev.thaw.image.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a stream through and shows every byte read (or skipped, which reads) to {@link
 * #observe(byte[], int, int)}, then the end of the stream, once, to {@link #ended()}. No
 * mark/reset.
 *
 * <p>Confined to one thread.
 */
public abstract class ObservingInputStream extends FilterInputStream {
  private static final int SKIP_BUFFER = 1 << 16;

  private boolean ended;

  /**
   * @param in the stream passed through (closed with this one)
   */
  protected ObservingInputStream(InputStream in) {
    super(in);
  }

  /** Called with the {@code n > 0} bytes at {@code b[off..off+n)} just read. */
  protected abstract void observe(byte[] b, int off, int n) throws IOException;

  /** Called once when the stream reports its end; may throw to fail that final read. */
  protected void ended() throws IOException {}

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      observe(b, off, n);
    } else if (n < 0 && !ended) {
      ended = true;
      ended();
    }
    return n;
  }

  /** Skips by reading, so skipped bytes are observed too. */
  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    byte[] buf = new byte[(int) Math.min(n, SKIP_BUFFER)];
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
