package dev.thaw.image.estargz;

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
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Converts an uncompressed tar into an eStargz blob: one gzip member per chunk of every non-empty
 * regular file (headers ride in the member before), the TOC as the last tar entry {@value
 * #TOC_TAR_NAME} in a member of its own, then the 51-byte {@link EstargzFooter}. The blob stays one
 * valid gzip stream of one valid tar. Members are compressed in parallel and written in order.
 *
 * <p>Thread-safe: each {@code write} uses its own pool of {@link WriterOptions#parallelism()}
 * threads. Blocks until the blob is written.
 */
public final class EstargzWriter {
  /** The TOC's tar entry name. */
  public static final String TOC_TAR_NAME = "stargz.index.json";

  /**
   * The gzip level when none is given: 9, the default of the reference converter ({@code ctr-remote
   * image convert --estargz} and stargz-snapshotter's {@code estargz.Build} use {@code
   * gzip.BestCompression}), so size and speed compare at the same setting.
   */
  public static final int DEFAULT_COMPRESSION_LEVEL = 9;

  private final WriterOptions options;

  /** A writer with {@code options}; the level must be 0..9. */
  public EstargzWriter(WriterOptions options) {
    if (options.compressionLevel() < 0 || options.compressionLevel() > 9) {
      throw new IllegalArgumentException(
          "gzip compression level " + options.compressionLevel() + " not in 0..9");
    }
    this.options = options;
  }

  /**
   * Converts the tar file at {@code tar}; see {@link #write(SeekableByteChannel, OutputStream,
   * String)}.
   */
  public WrittenLayer write(Path tar, OutputStream out, String layer) throws IOException {
    try (SeekableByteChannel ch = Files.newByteChannel(tar, StandardOpenOption.READ)) {
      return write(ch, out, layer);
    }
  }

  /**
   * Converts the uncompressed tar in {@code tar} (not closed) to eStargz on {@code out} (not
   * closed).
   *
   * @param layer names the layer in messages
   * @throws dev.thaw.image.tar.TarFormatException if the tar is corrupt or breaks a validation rule
   * @throws IOException if reading or writing fails
   */
  public WrittenLayer write(SeekableByteChannel tar, OutputStream out, String layer)
      throws IOException {
    TarInput input = TarInput.open(tar, layer);
    EntryOrder order = EntryOrder.plan(input.entries(), options.prefetch(), layer);
    try (GzipMemberCompressor compressor = new GzipMemberCompressor(options.compressionLevel())) {
      // Shut down before the compressor closes: no task borrows from a closed engine on success.
      ExecutorService pool = newPool(options.parallelism());
      try {
        ChunkedTarWriter w =
            new ChunkedTarWriter(
                out, compressor, options.chunkSize(), pool, options.parallelism() * 2, layer);
        input.copyTo(order, w);
        Toc toc = Toc.of(w.finishEntries(false));
        byte[] json = TocJson.encode(toc);
        TarArchiveEntry header = new TarArchiveEntry(TOC_TAR_NAME);
        header.setSize(json.length);
        header.setMode(0100644);
        header.setModTime(0);
        long tocOffset = w.writeTocEntryAndEnd(header, json);
        w.writeRaw(EstargzFooter.encode(tocOffset));
        return new WrittenLayer(
            w.blobDigest(),
            w.position(),
            w.diffId(),
            Digest.sha256(json),
            w.uncompressedSize(),
            tocOffset);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** Annotation: sha256 of the uncompressed TOC JSON. */
  public static final String TOC_DIGEST_ANNOTATION = "containerd.io/snapshot/stargz/toc.digest";

  /** Annotation: size of the uncompressed tar. */
  public static final String UNCOMPRESSED_SIZE_ANNOTATION =
      "io.containers.estargz.uncompressed-size";

  /** The annotations an eStargz layer descriptor carries. */
  public static java.util.Map<String, String> annotations(WrittenLayer layer) {
    return java.util.Map.of(
        TOC_DIGEST_ANNOTATION,
        layer.tocDigest().toString(),
        UNCOMPRESSED_SIZE_ANNOTATION,
        Long.toString(layer.uncompressedSize()));
  }

  /**
   * The deflate implementation members are compressed with: {@code libdeflate} (the system's
   * libdeflate.so.0, about three times faster than zlib at level 9), or {@code java.util.zip} and
   * why libdeflate could not be loaded. The two give different (equally valid) bytes.
   */
  public static String deflateImplementation() {
    return LibdeflateEngine.loadFailure()
        .map(why -> "java.util.zip (" + why + ")")
        .orElse("libdeflate");
  }

  static ExecutorService newPool(int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, "estargz-compress-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
