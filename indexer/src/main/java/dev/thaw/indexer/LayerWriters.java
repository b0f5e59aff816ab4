package dev.thaw.indexer;

import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.zstdchunked.ZstdChunkedWriter;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Map;

/** The {@link LayerWriter} for each output format, over the image library's writers. */
final class LayerWriters {
  private static final int BUFFER = 1 << 16;

  private LayerWriters() {}

  /** The writer for {@code options.format()}; {@code threads} compress members of one layer. */
  static LayerWriter of(ConvertOptions options, int threads) {
    return switch (options.format()) {
      case ESTARGZ -> estargz(options, threads);
      case ZSTD_CHUNKED -> zstdChunked(options, threads);
    };
  }

  private static LayerWriter zstdChunked(ConvertOptions options, int threads) {
    int level = options.compressionLevel().orElse(ZstdChunkedWriter.DEFAULT_COMPRESSION_LEVEL);
    return (tar, prefetch, target, layer) -> {
      WriterOptions wo = new WriterOptions(options.chunkSize(), level, prefetch, threads);
      ZstdChunkedWriter.Result r;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), BUFFER)) {
        r = new ZstdChunkedWriter(wo).write(tar.file(), out, layer);
      }
      dev.thaw.image.tar.WrittenLayer w = r.layer();
      Map<String, String> annotations = new java.util.TreeMap<>(r.annotations());
      annotations.putIfAbsent(LayerAnnotations.TOC_DIGEST, w.tocDigest().toString());
      return new WrittenLayer(w.blobDigest(), w.blobSize(), w.diffId(), w.tocDigest(), annotations);
    };
  }

  private static LayerWriter estargz(ConvertOptions options, int threads) {
    int level = options.compressionLevel().orElse(EstargzWriter.DEFAULT_COMPRESSION_LEVEL);
    return (tar, prefetch, target, layer) -> {
      WriterOptions wo = new WriterOptions(options.chunkSize(), level, prefetch, threads);
      dev.thaw.image.tar.WrittenLayer w;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), BUFFER)) {
        w = new EstargzWriter(wo).write(tar.file(), out, layer);
      }
      return new WrittenLayer(
          w.blobDigest(),
          w.blobSize(),
          w.diffId(),
          w.tocDigest(),
          Map.of(
              LayerAnnotations.TOC_DIGEST, w.tocDigest().toString(),
              LayerAnnotations.UNCOMPRESSED_SIZE, Long.toString(w.uncompressedSize())));
    };
  }
}
