package dev.thaw.image.oci;

import java.io.IOException;

/**
 * Where an image is written: a registry repository or an OCI image layout directory. Write blobs
 * first, then child manifests, then {@link #tagManifest} the root; nothing becomes visible under
 * the reference before that last call.
 *
 * <p>Implementations are thread-safe (blobs may be written in parallel); calls block on I/O.
 */
public interface ImageSink extends AutoCloseable {
  /** The reference this sink writes, for messages. */
  ImageReference reference();

  /** True if the sink already holds {@code blob}. */
  boolean hasBlob(Descriptor blob) throws IOException;

  /**
   * Stores a blob unless present; its digest and size are verified (by the registry, or while
   * writing the file).
   */
  void putBlob(Descriptor blob, BlobContent content) throws IOException;

  /**
   * Copies a blob from {@code source} unless present. A registry sink mounts it instead when the
   * source is another repository of the same registry.
   */
  default void copyBlob(ImageSource source, Descriptor blob) throws IOException {
    if (!hasBlob(blob)) {
      putBlob(blob, () -> source.openBlob(blob));
    }
  }

  /** Stores a manifest or index by digest (a child of an index). */
  void putManifest(ManifestContent manifest) throws IOException;

  /**
   * Stores a manifest or index and makes the sink's reference name it (registry tag, or the layout
   * {@code index.json} entry with {@code org.opencontainers.image.ref.name}).
   */
  void tagManifest(ManifestContent manifest) throws IOException;

  @Override
  default void close() throws IOException {}
}
