package dev.thaw.fuse;

import dev.thaw.image.blob.FileBlobSource;
import dev.thaw.image.chunk.LayerFormat;
import dev.thaw.image.chunk.SeekableLayer;
import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.zstdchunked.ZstdChunkedWriter;
import dev.thaw.testimages.TestEntry;
import dev.thaw.testimages.TestLayers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Writes test layers as eStargz (or zstd:chunked) files and opens them. */
final class EstargzFixtures {
  /** Small chunks, so that test files span several. */
  static final long CHUNK_SIZE = 4096;

  private EstargzFixtures() {}

  /** Writes {@code tar} as eStargz to {@code blob} with {@link #CHUNK_SIZE} chunks. */
  static void writeEstargz(byte[] tar, Path blob) throws IOException {
    Path tarFile = Files.write(blob.resolveSibling(blob.getFileName() + ".tar"), tar);
    WriterOptions options =
        WriterOptions.defaults(EstargzWriter.DEFAULT_COMPRESSION_LEVEL)
            .withChunkSize(CHUNK_SIZE)
            .withParallelism(2);
    try (OutputStream out = Files.newOutputStream(blob)) {
      new EstargzWriter(options).write(tarFile, out, blob.getFileName().toString());
    }
  }

  /** Builds the tar of {@code entries}, writes it as eStargz to {@code blob}, opens it. */
  static SeekableLayer layer(List<TestEntry> entries, Path blob) throws IOException {
    return layer(entries, blob, LayerFormat.ESTARGZ);
  }

  /** Builds the tar of {@code entries}, writes it in {@code format} to {@code blob}, opens it. */
  static SeekableLayer layer(List<TestEntry> entries, Path blob, LayerFormat format)
      throws IOException {
    byte[] tar = TestLayers.tar(entries);
    if (format == LayerFormat.ESTARGZ) {
      writeEstargz(tar, blob);
    } else {
      Path tarFile = Files.write(blob.resolveSibling(blob.getFileName() + ".tar"), tar);
      WriterOptions options =
          WriterOptions.defaults(ZstdChunkedWriter.DEFAULT_COMPRESSION_LEVEL)
              .withChunkSize(CHUNK_SIZE)
              .withParallelism(2);
      try (OutputStream out = Files.newOutputStream(blob)) {
        new ZstdChunkedWriter(options).write(tarFile, out, blob.getFileName().toString());
      }
    }
    SeekableLayer layer = SeekableLayer.open(new FileBlobSource(blob), Optional.empty());
    if (layer.format() != format) {
      throw new IllegalStateException("wrote " + format + ", read back " + layer.format());
    }
    return layer;
  }
}
