package dev.thaw.indexer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes one seekable layer from an uncompressed tar: the seam between {@code convert} and the
 * format writers of the image library.
 *
 * <p>Implementations are thread-safe (one call per layer, several at once).
 */
interface LayerWriter {
  /**
   * Writes the layer for {@code tar} into {@code target}.
   *
   * @param tar the checked source tar
   * @param prefetch the normalized paths to put first, in order; empty for none (the layer then
   *     gets {@code .no.prefetch.landmark})
   * @param target the file to write (exists, empty)
   * @param layer names the layer in messages
   * @throws IOException naming the entry that could not be written
   */
  WrittenLayer write(SourceTar tar, List<String> prefetch, Path target, String layer)
      throws IOException;
}
