package dev.thaw.image.registry;

import dev.thaw.image.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes a blob through and, at end of stream, checks its size and sha256; a mismatch throws {@link
 * RegistryProtocolException} from the final {@code read}. Nothing is verified if the reader stops
 * early.
 *
 * <p>Confined to one thread.
 */
final class DigestVerifyingInputStream extends FilterInputStream {
  private final MessageDigest md = Digest.newSha256();
  private final Digest expected;
  private final long expectedSize;
  private final String what;
  private long count;
  private boolean verified;

  /** {@code expectedSize} -1 skips the size check. */
  DigestVerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
    super(in);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      md.update(b, off, n);
      count += n;
      if (expectedSize >= 0 && count > expectedSize) {
        throw new RegistryProtocolException(
            what + ": more than the expected " + expectedSize + " bytes");
      }
    } else if (n < 0 && !verified) {
      verified = true;
      if (expectedSize >= 0 && count != expectedSize) {
        throw new RegistryProtocolException(
            what + ": got " + count + " bytes, descriptor says " + expectedSize);
      }
      Digest got = Digest.ofSha256(md.digest());
      if (!got.equals(expected)) {
        throw new RegistryProtocolException(what + ": content has digest " + got);
      }
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[8192];
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
}
