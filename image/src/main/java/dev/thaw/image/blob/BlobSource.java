package dev.thaw.image.blob;

import java.io.IOException;

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

  /** A name for messages: a digest, a path or a URL. */
  String describe();

  @Override
  default void close() throws IOException {}
}
