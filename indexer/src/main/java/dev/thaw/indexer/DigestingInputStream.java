package dev.thaw.indexer;

import dev.thaw.image.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Counts and SHA-256-hashes every byte read through it, and reports each read's size (progress).
 * Confined to one thread.
 */
final class DigestingInputStream extends FilterInputStream {
  private final MessageDigest sha256;
  private final LongConsumer onRead;
  private long count;

  /** Counts and hashes. */
  DigestingInputStream(InputStream in, LongConsumer onRead) {
    this(in, onRead, true);
  }

  /** Counts, and hashes only if {@code hash} (hashing a large layer costs seconds). */
  DigestingInputStream(InputStream in, LongConsumer onRead, boolean hash) {
    super(in);
    this.onRead = onRead;
    this.sha256 = hash ? Digest.newSha256() : null;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      if (sha256 != null) {
        sha256.update((byte) b);
      }
      count++;
      onRead.accept(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      if (sha256 != null) {
        sha256.update(b, off, n);
      }
      count += n;
      onRead.accept(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
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

  /** Bytes read so far. */
  long count() {
    return count;
  }

  /** The digest of the bytes read so far (call once, at the end); empty if not hashing. */
  Optional<Digest> digest() {
    return sha256 == null ? Optional.empty() : Optional.of(Digest.ofSha256(sha256.digest()));
  }
}
