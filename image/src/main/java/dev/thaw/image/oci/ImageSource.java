package dev.thaw.image.oci;

import dev.thaw.image.blob.BlobSource;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where an image is read from: a registry repository or an OCI image layout directory. The
 * converter is written against this and {@link ImageSink}, so it converts between any of them.
 *
 * <p>Implementations are thread-safe; calls block on I/O.
 */
public interface ImageSource extends AutoCloseable {
  /** The reference this source reads, for messages. */
  ImageReference reference();

  /**
   * The manifest or index the reference names (a registry tag or digest; a layout's {@code
   * index.json} entry).
   *
   * @throws IOException if it cannot be found or read; the message names the reference
   */
  ManifestContent root() throws IOException;

  /**
   * A manifest or index by descriptor (an entry of an index), verified against its digest.
   *
   * @throws IOException if it cannot be found, read or verified
   */
  ManifestContent manifest(Descriptor descriptor) throws IOException;

  /**
   * Streams a whole blob. The stream verifies size and digest and throws from its final read on a
   * mismatch. The caller closes it.
   */
  InputStream openBlob(Descriptor blob) throws IOException;

  /** Random access to a blob; not verified (the layer readers verify chunks). Caller closes it. */
  BlobSource blobSource(Descriptor blob) throws IOException;

  /** A whole small blob (a config) in memory, verified. */
  default byte[] readBlob(Descriptor blob) throws IOException {
    try (InputStream in = openBlob(blob)) {
      return in.readAllBytes();
    }
  }

  @Override
  default void close() throws IOException {}
}
