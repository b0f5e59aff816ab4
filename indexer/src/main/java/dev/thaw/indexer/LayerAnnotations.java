package dev.thaw.indexer;

/** The layer annotation keys the seekable formats define. Constants only. */
final class LayerAnnotations {
  /** sha256 of the uncompressed TOC JSON (eStargz and zstd:chunked). */
  static final String TOC_DIGEST = "containerd.io/snapshot/stargz/toc.digest";

  /** Size of the uncompressed tar (eStargz). */
  static final String UNCOMPRESSED_SIZE = "io.containers.estargz.uncompressed-size";

  /** sha256 of the compressed TOC (zstd:chunked). */
  static final String ZSTD_MANIFEST_CHECKSUM = "io.containers.zstd-chunked.manifest-checksum";

  /** {@code offset:compressedLength:uncompressedLength:1} of the TOC (zstd:chunked). */
  static final String ZSTD_MANIFEST_POSITION = "io.containers.zstd-chunked.manifest-position";

  private LayerAnnotations() {}
}
