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
   * @param prefetch the normalized paths to put first, in order; empty for none
   * @param prefetchGiven whether a prefetch list was given (selects the landmark)
   * @param target the file to write (exists, empty)
   * @throws IOException naming the entry that could not be written
   */
  WrittenLayer write(SourceTar tar, List<String> prefetch, boolean prefetchGiven, Path target)
      throws IOException;
}
