package dev.thaw.image.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies every byte read (or skipped) to an output stream, so one pass can both parse a stream and
 * save it.
 *
 * <p>Confined to one thread.
 */
public final class TeeInputStream extends ObservingInputStream {
  private final OutputStream copy;
  private final boolean closeCopy;

  private TeeInputStream(InputStream in, OutputStream copy, boolean closeCopy) {
    super(in);
    this.copy = copy;
    this.closeCopy = closeCopy;
  }

  /** Copies to {@code copy}, which the caller closes. */
  public TeeInputStream(InputStream in, OutputStream copy) {
    this(in, copy, false);
  }

  /** Copies to {@code file} (created or truncated), closed with this stream. */
  public static TeeInputStream toFile(InputStream in, Path file) throws IOException {
    return new TeeInputStream(
        in, new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), true);
  }

  @Override
  protected void observe(byte[] b, int off, int n) throws IOException {
    copy.write(b, off, n);
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      if (closeCopy) {
        copy.close();
      }
    }
  }
}
