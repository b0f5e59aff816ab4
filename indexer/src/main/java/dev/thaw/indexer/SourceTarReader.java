package dev.thaw.indexer;

import dev.thaw.image.io.DigestingInputStream;
import dev.thaw.image.io.TeeInputStream;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.tar.TarEntryValidator;
import dev.thaw.image.tar.TarFormatException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads one source layer blob to its end: checks its size against the descriptor (the {@link
 * dev.thaw.image.oci.ImageSource} stream checks the digest), decompresses it (gzip, zstd or none,
 * detected), checks every tar entry ({@link TarEntryValidator}) and saves the uncompressed tar to a
 * file.
 *
 * <p>Stateless; thread-safe.
 */
final class SourceTarReader {
  private static final int BUFFER = 1 << 16;

  private final boolean hashTar;

  /**
   * @param hashTar whether to compute the uncompressed tar's digest (to check it against the
   *     config's diffID; costs a few seconds per GiB)
   */
  SourceTarReader(boolean hashTar) {
    this.hashTar = hashTar;
  }

  /**
   * Reads {@code raw}, the blob of {@code layer}, into {@code target}.
   *
   * @param onRead told the number of compressed bytes read, as they are read
   * @throws TarFormatException naming the entry the validator rejects
   * @throws IOException for a corrupt, truncated or mismatching blob; the message says which
   */
  SourceTar read(Descriptor layer, InputStream raw, Path target, LongConsumer onRead)
      throws IOException {
    DigestingInputStream blob = new DigestingInputStream(raw, onRead, false);
    DigestingInputStream tar;
    LayerDecompression compression;
    List<String> names = new ArrayList<>();
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(target), BUFFER)) {
      BufferedInputStream buffered = new BufferedInputStream(blob, BUFFER);
      compression = LayerDecompression.detect(buffered);
      InputStream decompressed;
      try {
        decompressed = LayerDecompression.open(buffered);
      } catch (IOException e) {
        throw new IOException(
            "decompress " + compression.name().toLowerCase() + ": " + e.getMessage(), e);
      }
      tar = new DigestingInputStream(decompressed, n -> {}, hashTar);
      TeeInputStream tee = new TeeInputStream(tar, file);
      try {
        TarArchiveInputStream entries = new TarArchiveInputStream(tee);
        TarEntryValidator checker = new TarEntryValidator(layer.digest().toString());
        TarArchiveEntry entry;
        while ((entry = entries.getNextEntry()) != null) {
          names.add(checker.check(entry));
        }
        // The tar ends before the blob does (padding, eStargz footer): read on, so that a
        // truncated or corrupt compressed stream is noticed and the copy is whole.
        tee.transferTo(OutputStream.nullOutputStream());
      } catch (TarFormatException e) {
        throw e;
      } catch (IOException e) {
        throw new IOException(
            "read "
                + (compression == LayerDecompression.NONE
                    ? "tar"
                    : compression.name().toLowerCase() + " tar")
                + " at uncompressed byte "
                + tar.count()
                + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
            e);
      }
      blob.transferTo(OutputStream.nullOutputStream());
    }
    if (blob.count() != layer.size()) {
      throw new IOException(
          "blob has "
              + blob.count()
              + " bytes, the descriptor says "
              + layer.size()
              + " (truncated?)");
    }
    return new SourceTar(target, tar.count(), tar.digest(), names, compression);
  }
}
