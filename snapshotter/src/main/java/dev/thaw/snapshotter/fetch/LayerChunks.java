package dev.thaw.snapshotter.fetch;

import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Every chunk of one layer in blob order, with each chunk's position, so a read of one chunk can
 * find its neighbours in the blob.
 *
 * <p>Immutable.
 */
public final class LayerChunks {
  private static final Comparator<TocChunk> BLOB_ORDER =
      Comparator.comparingLong(TocChunk::compressedOffset)
          .thenComparingLong(TocChunk::innerOffset)
          .thenComparingLong(TocChunk::fileOffset);

  private final List<TocChunk> blobOrder;
  private final Map<TocChunk, Integer> positions;
  private final long compressedBytes;

  private LayerChunks(List<TocChunk> blobOrder) {
    this.blobOrder = List.copyOf(blobOrder);
    this.positions = new HashMap<>(blobOrder.size() * 2);
    long bytes = 0;
    long end = 0;
    for (int i = 0; i < blobOrder.size(); i++) {
      TocChunk c = blobOrder.get(i);
      positions.putIfAbsent(c, i);
      bytes += Math.max(0, c.compressedEnd() - Math.max(end, c.compressedOffset()));
      end = Math.max(end, c.compressedEnd());
    }
    this.compressedBytes = bytes;
  }

  /** The distinct chunks of {@code chunks}, sorted into blob order. */
  public static LayerChunks of(Collection<TocChunk> chunks) {
    List<TocChunk> sorted = new ArrayList<>(new LinkedHashSet<>(chunks));
    sorted.sort(BLOB_ORDER);
    return new LayerChunks(sorted);
  }

  /** The chunks sorted by compressed offset, then inner offset. */
  public List<TocChunk> blobOrder() {
    return blobOrder;
  }

  /** The chunk's index in {@link #blobOrder()}, or empty if it is not in this layer. */
  public OptionalInt positionOf(TocChunk chunk) {
    Integer p = positions.get(chunk);
    return p == null ? OptionalInt.empty() : OptionalInt.of(p);
  }

  /** Blob bytes covered by the members of all chunks. */
  public long compressedBytes() {
    return compressedBytes;
  }

  /** The number of distinct chunks. */
  public int size() {
    return blobOrder.size();
  }

  /** Every chunk of every regular file of the layer indexed by {@code index}, in blob order. */
  public static LayerChunks of(TocIndex index) {
    List<TocChunk> all = new ArrayList<>();
    for (TocNode node : index.nodes()) {
      all.addAll(index.chunks(node));
    }
    return of(all);
  }

  /** Sorts any chunks of this layer into blob order. */
  public static List<TocChunk> sorted(Collection<TocChunk> chunks) {
    List<TocChunk> sorted = new ArrayList<>(new LinkedHashSet<>(chunks));
    sorted.sort(BLOB_ORDER);
    return sorted;
  }
}
