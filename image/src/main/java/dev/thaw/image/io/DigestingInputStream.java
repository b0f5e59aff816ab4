package dev.thaw.image.io;

import dev.thaw.image.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Counts and (optionally) SHA-256-hashes every byte read through it, and reports each read's size
 * (progress). Subclasses check size and digest in {@link #ended()}.
 *
 * <p>Confined to one thread.
 */
public class DigestingInputStream extends ObservingInputStream {
  private final MessageDigest sha256;
  private final LongConsumer onRead;
  private long count;

  /** Counts and hashes. */
  public DigestingInputStream(InputStream in) {
    this(in, n -> {}, true);
  }

  /**
   * Counts, and hashes only if {@code hash} (hashing a large layer costs seconds).
   *
   * @param onRead told the size of each read, as it happens
   */
  public DigestingInputStream(InputStream in, LongConsumer onRead, boolean hash) {
    super(in);
    this.onRead = onRead;
    this.sha256 = hash ? Digest.newSha256() : null;
  }

  @Override
  protected void observe(byte[] b, int off, int n) throws IOException {
    if (sha256 != null) {
      sha256.update(b, off, n);
    }
    count += n;
    onRead.accept(n);
  }

  /** Bytes read so far. */
  public long count() {
    return count;
  }

  /** The digest of the bytes read so far (call once, at the end); empty if not hashing. */
  public Optional<Digest> digest() {
    return sha256 == null ? Optional.empty() : Optional.of(Digest.ofSha256(sha256.digest()));
  }
}
