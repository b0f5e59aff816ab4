package dev.thaw.image.tar;

/**
 * Compresses one segment of a tar stream into one independently decompressible unit: a gzip member
 * (eStargz) or a zstd frame (zstd:chunked).
 *
 * <p>Implementations are thread-safe: the writer calls them from several pool threads at once.
 */
@FunctionalInterface
public interface MemberCompressor {
  /** The compressed form of {@code data[0, length)}. */
  byte[] compress(byte[] data, int length);
}
