package dev.thaw.indexer;

import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ManifestContent;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where {@code convert} pushes: a registry repository or an OCI layout directory. Blobs first, then
 * manifests, the tagged root last.
 *
 * <p>Implementations are thread-safe.
 */
interface ImageOutput extends AutoCloseable {
  /** The reference, for messages. */
  String describe();

  /** Uploads the blob in {@code file} (skipped if the destination has it). */
  void pushBlob(Descriptor descriptor, Path file) throws IOException;

  /** Puts a manifest or index by digest (a child of an index). */
  void pushManifest(ManifestContent manifest) throws IOException;

  /**
   * Puts the root manifest or index under the reference's tag (or digest) and returns the reference
   * to the pushed image, with its digest.
   */
  String pushRoot(ManifestContent root) throws IOException;

  @Override
  void close() throws IOException;
}
