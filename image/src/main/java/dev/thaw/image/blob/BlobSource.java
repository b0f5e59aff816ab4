package dev.thaw.image.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Random read access to one immutable blob (a layer in a registry, a file on disk). The seekable
 * layer readers and the fetchers are written against this, so they never know where bytes come
 * from.
 *
 * <p>Implementations are thread-safe: several ranges may be read concurrently. Calls block until
 * the bytes are there or the read failed.
 */
public interface BlobSource extends AutoCloseable {
  /** The blob's size in bytes. */
  long size() throws IOException;

  /**
   * Reads exactly {@code length} bytes at {@code offset}.
   *
   * @throws java.io.EOFException if the range extends past the end of the blob
   * @throws IOException if the bytes cannot be read; the message names the blob and the range
   */
  byte[] read(long offset, int length) throws IOException;

  /**
   * Opens {@code length} bytes at {@code offset} as a stream that yields them as they arrive, so a
   * caller can use the first bytes of a large range before the last ones are there. The stream ends
   * after exactly {@code length} bytes; a source that delivers fewer fails it with an {@link
   * java.io.EOFException}. Closing it early abandons the rest of the range.
   *
   * <p>The default reads the whole range with {@link #read} first.
   *
   * @throws java.io.EOFException if the range extends past the end of the blob
   * @throws IOException if the range cannot be opened; reads from the stream throw {@link
   *     IOException} naming the blob and the range when the bytes stop arriving
   */
  default InputStream openRange(long offset, long length) throws IOException {
    return new ByteArrayInputStream(read(offset, Math.toIntExact(length)));
  }

  /** A name for messages: a digest, a path or a URL. */
  String describe();

  @Override
  default void close() throws IOException {}
}
