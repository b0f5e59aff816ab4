package dev.thaw.indexer;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ManifestContent;
import java.io.IOException;
import java.io.InputStream;

/**
 * The image a command reads: in a registry or an OCI layout directory.
 *
 * <p>Implementations are thread-safe: layer tasks fetch blobs concurrently.
 */
interface ImageInput extends AutoCloseable {
  /** The reference, for messages. */
  String describe();

  /** The manifest or index the reference names. */
  ManifestContent root() throws IOException;

  /** A manifest listed in an index. */
  ManifestContent manifest(Descriptor descriptor) throws IOException;

  /** A small blob (a config), whole, checked against its digest. */
  byte[] blob(Descriptor descriptor) throws IOException;

  /** A large blob (a layer) as a stream; the caller checks its digest and closes the stream. */
  InputStream openBlob(Descriptor descriptor) throws IOException;

  /** Random access to a blob (ranges), for inspect and verify. */
  BlobSource blobSource(Descriptor descriptor) throws IOException;

  @Override
  void close() throws IOException;
}
