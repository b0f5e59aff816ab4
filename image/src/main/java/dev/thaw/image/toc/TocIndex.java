package dev.thaw.image.toc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The read-side view of a TOC: path lookup, directory listing and per-file chunk tables.
 *
 * <p>Paths are normalized ({@link TocPaths#normalize}); the root is {@code ""} and always exists.
 * Missing parent directories are synthesized (mode 0755, owned by root). Inode numbers are assigned
 * in TOC order starting with the root at 1. Hardlinks resolve to their target's node.
 *
 * <p>Immutable and thread-safe; built once, never locked.
 */
public final class TocIndex {
  private static final Comparator<TocNode> BY_NAME = Comparator.comparing(TocNode::name);

  private final Toc toc;
  private final Map<String, TocNode> byPath;
  private final Map<String, List<TocNode>> children;
  // Indexed by inode number (dense from 1; slot 0 unused): an array instead of maps keyed by boxed
  // inode numbers saves about 60 bytes per file.
  private final List<TocNode> byInode;
  private final List<List<TocChunk>> chunks;

  private TocIndex(
      Toc toc,
      Map<String, TocNode> byPath,
      Map<String, List<TocNode>> children,
      List<TocNode> byInode,
      List<List<TocChunk>> chunks) {
    this.toc = toc;
    this.byPath = byPath;
    this.children = children;
    this.byInode = byInode;
    this.chunks = chunks;
  }

  /**
   * Indexes a TOC whose own bytes start at {@code tocOffset} in the blob (the end of the last
   * member).
   *
   * @param layer names the layer in messages
   * @throws TocFormatException on {@code ..} paths, duplicates, dangling hardlinks, a non-directory
   *     parent, chunks that do not tile their file, or a missing chunk digest
   */
  public static TocIndex of(Toc toc, long tocOffset, String layer) throws TocFormatException {
    return new TocIndexBuilder(layer, tocOffset).build(toc);
  }

  /**
   * Indexes a TOC without knowing where the TOC sits in the blob: the last member's {@link
   * TocChunk#compressedEnd()} is then {@link Long#MAX_VALUE}. For tests and in-memory use; readers
   * use {@link #of(Toc, long, String)}.
   */
  public static TocIndex of(Toc toc) throws TocFormatException {
    return of(toc, Long.MAX_VALUE, "TOC");
  }

  /**
   * @param chunks by inode number, {@code chunks.get(0)} unused; empty lists for inodes that are
   *     not regular files
   */
  static TocIndex create(
      Toc toc,
      LinkedHashMap<String, TocNode> byPath,
      Map<String, List<TocNode>> children,
      List<List<TocChunk>> chunks) {
    Map<String, List<TocNode>> sorted = new HashMap<>();
    children.forEach((k, v) -> {
      List<TocNode> copy = new ArrayList<>(v);
      copy.sort(BY_NAME);
      sorted.put(k, List.copyOf(copy));
    });
    TocNode[] byInode = new TocNode[chunks.size()];
    for (TocNode node : byPath.values()) {
      int inode = (int) node.inode();
      if (byInode[inode] == null) {
        byInode[inode] = node;
      }
    }
    return new TocIndex(
        toc,
        Collections.unmodifiableMap(byPath),
        Map.copyOf(sorted),
        Collections.unmodifiableList(Arrays.asList(byInode)),
        Collections.unmodifiableList(chunks));
  }

  /** The TOC this index was built from. */
  public Toc toc() {
    return toc;
  }

  /** The root directory, inode 1. */
  public TocNode root() {
    return byPath.get("");
  }

  /** The node at {@code path} (normalized first), if any. */
  public Optional<TocNode> lookup(String path) {
    return TocPaths.normalize(path).map(byPath::get);
  }

  /** The children of directory {@code dir}, sorted by name; empty for non-directories. */
  public List<TocNode> children(TocNode dir) {
    return children.getOrDefault(dir.path(), List.of());
  }

  /** Every node, the root first, then in TOC order (synthesized parents before their children). */
  public List<TocNode> nodes() {
    return List.copyOf(byPath.values());
  }

  /** The number of nodes, the root included. */
  public int size() {
    return byPath.size();
  }

  /**
   * The node that first named inode {@code inode} (for a hardlinked file: the file, not the link),
   * if this index has that inode.
   */
  public Optional<TocNode> node(long inode) {
    return inode > 0 && inode < byInode.size()
        ? Optional.ofNullable(byInode.get((int) inode))
        : Optional.empty();
  }

  /** The chunks of a regular file in file order; empty for empty files and non-files. */
  public List<TocChunk> chunks(TocNode file) {
    long inode = file.inode();
    return inode > 0 && inode < chunks.size() ? chunks.get((int) inode) : List.of();
  }

  /**
   * The index in {@link #chunks(TocNode)} of the chunk holding byte {@code fileOffset}, by binary
   * search.
   *
   * @throws IndexOutOfBoundsException if the offset is outside {@code [0, size)}
   */
  public int chunkIndexAt(TocNode file, long fileOffset) {
    List<TocChunk> list = chunks(file);
    if (list.isEmpty() || fileOffset < 0 || fileOffset >= list.getLast().fileEnd()) {
      throw new IndexOutOfBoundsException(
          "offset " + fileOffset + " outside " + file + " of size " + file.entry().size());
    }
    int lo = 0;
    int hi = list.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (list.get(mid).fileOffset() <= fileOffset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Sorted distinct compressed offsets of every payload-bearing entry; for range planning. */
  public List<Long> memberOffsets() {
    TreeSet<Long> offsets = new TreeSet<>();
    chunks.forEach(l -> l.forEach(c -> offsets.add(c.compressedOffset())));
    return List.copyOf(offsets);
  }
}
