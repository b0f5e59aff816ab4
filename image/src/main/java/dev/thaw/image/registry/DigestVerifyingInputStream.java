package dev.thaw.image.registry;

import dev.thaw.image.io.DigestingInputStream;
import dev.thaw.image.oci.Digest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a blob through and, at end of stream, checks its size and sha256; a mismatch throws {@link
 * RegistryProtocolException} from the final {@code read}. Nothing is verified if the reader stops
 * early.
 *
 * <p>Confined to one thread.
 */
final class DigestVerifyingInputStream extends DigestingInputStream {
  private final Digest expected;
  private final long expectedSize;
  private final String what;

  /** {@code expectedSize} -1 skips the size check. */
  DigestVerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
    super(in);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.what = what;
  }

  @Override
  protected void observe(byte[] b, int off, int n) throws IOException {
    super.observe(b, off, n);
    if (expectedSize >= 0 && count() > expectedSize) {
      throw new RegistryProtocolException(
          what + ": more than the expected " + expectedSize + " bytes");
    }
  }

  @Override
  protected void ended() throws IOException {
    if (expectedSize >= 0 && count() != expectedSize) {
      throw new RegistryProtocolException(
          what + ": got " + count() + " bytes, descriptor says " + expectedSize);
    }
    Digest got = digest().orElseThrow();
    if (!got.equals(expected)) {
      throw new RegistryProtocolException(what + ": content has digest " + got);
    }
  }
}
