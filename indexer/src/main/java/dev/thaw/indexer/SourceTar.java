package dev.thaw.indexer;

import dev.thaw.image.oci.Digest;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A source layer decompressed and checked into a local tar file.
 *
 * @param file the uncompressed tar (a scratch file of the staging area; the caller deletes it)
 * @param size its size in bytes
 * @param diffId its SHA-256, if it was asked for
 * @param names the normalized entry names, in tar order
 * @param compression how the source blob was compressed
 */
record SourceTar(
    Path file,
    long size,
    Optional<Digest> diffId,
    List<String> names,
    LayerDecompression compression) {
  SourceTar {
    names = List.copyOf(names);
  }
}
