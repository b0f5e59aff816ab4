package dev.thaw.image.estargz;

/**
 * Raw DEFLATE (RFC 1951) of a whole in-memory buffer at one fixed level, with an output cap: a
 * caller that only wants the compressed form when it is small enough says so with {@code
 * outputLimit} and gets {@code -1} instead of paying for the rest of the compression.
 *
 * <p>Implementations are thread-safe and deterministic (the same input and level give the same
 * bytes). {@link #close} frees native state; no call may follow it.
 */
interface DeflateEngine extends AutoCloseable {
  /**
   * Compresses {@code data[0, length)} into {@code out[0, outputLimit)}.
   *
   * @return the number of compressed bytes, or {@code -1} if they would not fit in {@code
   *     outputLimit}
   */
  int deflate(byte[] data, int length, byte[] out, int outputLimit);

  /** The implementation's name, for logs: {@code libdeflate} or {@code java.util.zip}. */
  String name();

  @Override
  void close();
}
