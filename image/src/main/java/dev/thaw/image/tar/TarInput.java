package dev.thaw.image.tar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Random access to the entries of an uncompressed tar, so a writer can emit them in prefetch order.
 *
 * <p>Confined to one thread. Does not close the channel.
 */
public final class TarInput {
  private final TarFile tar;
  private final String layer;

  private TarInput(TarFile tar, String layer) {
    this.tar = tar;
    this.layer = layer;
  }

  /**
   * Reads every header of the tar in {@code channel}.
   *
   * @throws TarFormatException if the tar is truncated or corrupt
   */
  @SuppressWarnings("resource") // the caller owns the channel; TarFile holds nothing else
  public static TarInput open(SeekableByteChannel channel, String layer) throws TarFormatException {
    try {
      return new TarInput(new TarFile(channel), layer);
    } catch (IOException | RuntimeException e) {
      throw new TarFormatException(
          "read tar of layer " + layer + ": " + String.valueOf(e.getMessage()).replace('\n', ' '),
          e);
    }
  }

  /** The entries in tar order. */
  public List<TarArchiveEntry> entries() {
    return tar.getEntries();
  }

  /** The content of {@code entry} (empty for non-files). */
  public InputStream content(TarArchiveEntry entry) throws TarFormatException {
    try {
      return tar.getInputStream(entry);
    } catch (IOException | RuntimeException e) {
      throw new TarFormatException(
          "read tar of layer " + layer + ": entry '" + entry.getName() + "': " + e.getMessage(), e);
    }
  }

  /**
   * Copies every entry in {@code order} (landmark included) to {@code writer}.
   *
   * @throws TarFormatException if an entry's content is truncated
   */
  public void copyTo(EntryOrder order, ChunkedTarWriter writer) throws IOException {
    if (order.landmarkFirst()) {
      writer.addFile(order.landmark(), EntryOrder.LANDMARK_CONTENT);
    }
    for (TarArchiveEntry e : order.hot()) {
      copy(e, writer);
    }
    if (!order.landmarkFirst()) {
      writer.addFile(order.landmark(), EntryOrder.LANDMARK_CONTENT);
    }
    for (TarArchiveEntry e : order.rest()) {
      copy(e, writer);
    }
  }

  private void copy(TarArchiveEntry e, ChunkedTarWriter writer) throws IOException {
    try (InputStream in = content(e)) {
      writer.copyEntry(e, in);
    }
  }
}
