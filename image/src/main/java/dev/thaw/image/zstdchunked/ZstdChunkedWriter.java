package dev.thaw.image.zstdchunked;

import com.github.luben.zstd.Zstd;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.tar.ChunkedTarWriter;
import dev.thaw.image.tar.EntryOrder;
import dev.thaw.image.tar.TarInput;
import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.tar.WrittenLayer;
import dev.thaw.image.toc.Toc;
import dev.thaw.image.toc.TocJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Converts an uncompressed tar into a zstd:chunked blob: one zstd frame per chunk of every
 * non-empty regular file (headers in frames between), the end-of-archive records in a frame, the
 * zstd-compressed TOC in a skippable frame, then the 72-byte {@link ZstdChunkedFooter}. Plain
 * {@code zstd -d} yields the tar. Frames are compressed in parallel and written in order.
 *
 * <p>Thread-safe: each {@code write} uses its own pool. Blocks until the blob is written.
 */
public final class ZstdChunkedWriter {
  /** The zstd level when none is given. */
  public static final int DEFAULT_COMPRESSION_LEVEL = 3;

  /** Annotation: sha256 of the compressed TOC. */
  public static final String MANIFEST_CHECKSUM = "io.containers.zstd-chunked.manifest-checksum";

  /** Annotation: {@code offset:compressedLength:uncompressedLength:1}. */
  public static final String MANIFEST_POSITION = "io.containers.zstd-chunked.manifest-position";

  /** Annotation: sha256 of the uncompressed TOC (the eStargz one, read by containerd). */
  public static final String TOC_DIGEST = "containerd.io/snapshot/stargz/toc.digest";

  private final WriterOptions options;

  /** A writer with {@code options}; the level must be 1..22. */
  public ZstdChunkedWriter(WriterOptions options) {
    if (options.compressionLevel() < 1 || options.compressionLevel() > 22) {
      throw new IllegalArgumentException(
          "zstd compression level " + options.compressionLevel() + " not in 1..22");
    }
    this.options = options;
  }

  /**
   * The result of a write: the layer numbers and the annotations its descriptor must carry.
   *
   * @param layer digests and sizes
   * @param annotations the zstd:chunked and TOC-digest annotations
   */
  public record Result(WrittenLayer layer, Map<String, String> annotations) {
    /** Copies the annotations. */
    public Result {
      annotations = Map.copyOf(annotations);
    }
  }

  /** Converts the tar file at {@code tar}. */
  public Result write(Path tar, OutputStream out, String layer) throws IOException {
    try (SeekableByteChannel ch = Files.newByteChannel(tar, StandardOpenOption.READ)) {
      return write(ch, out, layer);
    }
  }

  /**
   * Converts the uncompressed tar in {@code tar} (not closed) to zstd:chunked on {@code out} (not
   * closed).
   *
   * @throws dev.thaw.image.tar.TarFormatException if the tar is corrupt or breaks a rule
   */
  public Result write(SeekableByteChannel tar, OutputStream out, String layer) throws IOException {
    TarInput input = TarInput.open(tar, layer);
    EntryOrder order = EntryOrder.plan(input.entries(), options.prefetch(), layer);
    ExecutorService pool = newPool(options.parallelism());
    ZstdMemberCompressor compressor = new ZstdMemberCompressor(options.compressionLevel());
    try {
      ChunkedTarWriter w =
          new ChunkedTarWriter(
              out, compressor, options.chunkSize(), pool, options.parallelism() * 2, layer);
      input.copyTo(order, w);
      Toc toc = Toc.of(w.finishEntries(true));
      w.writeTarEnd();
      byte[] json = TocJson.encode(toc);
      byte[] compressed = Zstd.compress(json, options.compressionLevel());
      long frameOffset = w.position();
      w.writeRaw(skippableFrameHeader(compressed.length));
      long tocOffset = w.position();
      w.writeRaw(compressed);
      w.writeRaw(ZstdChunkedFooter.encode(tocOffset, compressed.length, json.length));
      Digest tocDigest = Digest.sha256(json);
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put(MANIFEST_CHECKSUM, Digest.sha256(compressed).toString());
      annotations.put(
          MANIFEST_POSITION, tocOffset + ":" + compressed.length + ":" + json.length + ":1");
      annotations.put(TOC_DIGEST, tocDigest.toString());
      WrittenLayer written =
          new WrittenLayer(
              w.blobDigest(),
              w.position(),
              w.diffId(),
              tocDigest,
              w.uncompressedSize(),
              frameOffset);
      return new Result(written, annotations);
    } finally {
      // Contexts are freed only once no compression can still be running on them.
      pool.shutdownNow();
      try {
        if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
          compressor.close();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static byte[] skippableFrameHeader(int length) {
    return ByteBuffer.allocate(8)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(ZstdChunkedFooter.SKIPPABLE_MAGIC)
        .putInt(length)
        .array();
  }

  private static ExecutorService newPool(int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, "zstd-chunked-compress-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
