package dev.thaw.indexer;

import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocIndex;
import java.io.IOException;

/**
 * A seekable layer opened through the format readers: footer parsed, TOC read and checked against
 * the expected digest.
 *
 * @param format {@code estargz} or {@code zstd:chunked}
 * @param index the TOC index
 * @param tocDigest the digest of the uncompressed TOC JSON
 * @param chunks reads a chunk's uncompressed bytes, verified against its chunk digest
 */
record OpenedLayer(String format, TocIndex index, Digest tocDigest, ChunkReader chunks) {
  /** Reads and verifies one chunk. Thread-safe. */
  @FunctionalInterface
  interface ChunkReader {
    /**
     * The chunk's uncompressed bytes.
     *
     * @throws IOException if they cannot be read, decompressed, or do not match the chunk digest
     */
    byte[] read(TocChunk chunk) throws IOException;
  }
}
