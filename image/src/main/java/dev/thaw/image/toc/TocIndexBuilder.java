package dev.thaw.image.toc;

import dev.thaw.image.oci.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link TocIndex} in two passes over the entries. Confined to one thread. */
final class TocIndexBuilder {
  private final String layer;
  private final long tocOffset;
  private final LinkedHashMap<String, Draft> drafts = new LinkedHashMap<>();
  // The chunk entries of each regular file, by inode number (null for other inodes): the
  // builder's transient state is part of the heap peak of opening a layer.
  private final List<List<TocEntry>> chunkEntries = new ArrayList<>();
  private long nextInode = 1;
  private Draft lastRegular;

  /** A node before link counts are known. */
  private static final class Draft {
    final String path;
    TocEntry entry;
    final long inode;
    boolean synthesized;

    Draft(String path, TocEntry entry, long inode, boolean synthesized) {
      this.path = path;
      this.entry = entry;
      this.inode = inode;
      this.synthesized = synthesized;
    }
  }

  TocIndexBuilder(String layer, long tocOffset) {
    this.layer = layer;
    this.tocOffset = tocOffset;
  }

  TocIndex build(Toc toc) throws TocFormatException {
    chunkEntries.add(null); // inode 0 is not used
    drafts.put("", new Draft("", syntheticDir(""), newInode(), true));
    for (TocEntry e : toc.entries()) {
      add(e);
    }
    return finish(toc);
  }

  private void add(TocEntry e) throws TocFormatException {
    String path =
        TocPaths.normalize(e.name()).orElseThrow(() -> error(e, "path has a '..' segment"));
    if (e.type() == TocEntryType.CHUNK) {
      if (lastRegular == null || !lastRegular.path.equals(path)) {
        throw error(e, "chunk entry does not follow its regular file");
      }
      chunkEntries.get((int) lastRegular.inode).add(e);
      return;
    }
    lastRegular = null;
    if (path.isEmpty()) {
      if (e.type() != TocEntryType.DIR) {
        throw error(e, "the root is not a directory");
      }
      Draft root = drafts.get("");
      if (!root.synthesized) {
        throw error(e, "duplicate entry");
      }
      root.entry = e;
      root.synthesized = false;
      return;
    }
    ensureParents(e, TocPaths.parent(path));
    Draft existing = drafts.get(path);
    if (existing != null) {
      if (existing.synthesized && e.type() == TocEntryType.DIR) {
        existing.entry = e;
        existing.synthesized = false;
        return;
      }
      throw error(e, "duplicate entry");
    }
    if (e.type() == TocEntryType.HARDLINK) {
      String target =
          TocPaths.normalize(e.linkName())
              .orElseThrow(() -> error(e, "hardlink target has a '..' segment"));
      Draft t = drafts.get(target);
      if (t == null || t.synthesized) {
        throw error(e, "hardlink target '" + target + "' is not an earlier entry");
      }
      if (t.entry.type() == TocEntryType.DIR) {
        throw error(e, "hardlink to directory '" + target + "'");
      }
      drafts.put(path, new Draft(path, t.entry, t.inode, false));
      return;
    }
    Draft d = new Draft(path, e, newInode(), false);
    drafts.put(path, d);
    if (e.type() == TocEntryType.REG) {
      List<TocEntry> list = new ArrayList<>(1);
      if (e.size() > 0) {
        list.add(e);
      }
      chunkEntries.set((int) d.inode, list);
      lastRegular = d;
    }
  }

  private void ensureParents(TocEntry e, String parent) throws TocFormatException {
    Draft p = drafts.get(parent);
    if (p != null) {
      if (p.entry.type() != TocEntryType.DIR) {
        throw error(e, "parent '" + parent + "' is not a directory");
      }
      return;
    }
    ensureParents(e, TocPaths.parent(parent));
    drafts.put(parent, new Draft(parent, syntheticDir(parent), newInode(), true));
  }

  private long newInode() {
    chunkEntries.add(null);
    return nextInode++;
  }

  private TocIndex finish(Toc toc) throws TocFormatException {
    long[] memberStarts = memberStarts();
    List<List<TocChunk>> chunks = new ArrayList<>((int) nextInode);
    for (List<TocEntry> entries : chunkEntries) {
      chunks.add(entries == null ? List.of() : tile(entries, memberStarts));
    }
    int[] names = new int[(int) nextInode];
    Map<String, Integer> subdirs = new HashMap<>();
    for (Draft d : drafts.values()) {
      names[(int) d.inode]++;
      if (!d.path.isEmpty() && d.entry.type() == TocEntryType.DIR) {
        subdirs.merge(TocPaths.parent(d.path), 1, Integer::sum);
      }
    }
    LinkedHashMap<String, TocNode> byPath = new LinkedHashMap<>();
    Map<String, List<TocNode>> children = new HashMap<>();
    for (Draft d : drafts.values()) {
      int links =
          d.entry.type() == TocEntryType.DIR
              ? 2 + subdirs.getOrDefault(d.path, 0)
              : names[(int) d.inode];
      TocNode node = new TocNode(d.path, d.entry, d.inode, links);
      byPath.put(d.path, node);
      if (!d.path.isEmpty()) {
        children.computeIfAbsent(TocPaths.parent(d.path), k -> new ArrayList<>()).add(node);
      }
    }
    return TocIndex.create(toc, byPath, children, chunks);
  }

  private List<TocChunk> tile(List<TocEntry> entries, long[] memberStarts)
      throws TocFormatException {
    if (entries.isEmpty()) {
      return List.of();
    }
    List<TocChunk> out = new ArrayList<>(entries.size());
    long fileSize = entries.getFirst().size();
    long expected = 0;
    for (int i = 0; i < entries.size(); i++) {
      TocEntry e = entries.get(i);
      if (e.chunkOffset() != expected) {
        throw error(e, "chunk at file offset " + e.chunkOffset() + ", expected " + expected);
      }
      long size = e.chunkSize() > 0 ? e.chunkSize() : fileSize - e.chunkOffset();
      if (size <= 0 || e.chunkOffset() + size > fileSize) {
        throw error(e, "chunk size " + size + " at " + e.chunkOffset() + " exceeds " + fileSize);
      }
      Digest digest = e.chunkDigest();
      if (digest == null && entries.size() == 1 && size == fileSize) {
        digest = entries.getFirst().digest();
      }
      if (digest == null) {
        throw error(e, "chunk at file offset " + e.chunkOffset() + " has no chunkDigest");
      }
      long end = e.endOffset() > e.offset() ? e.endOffset() : nextStart(memberStarts, e.offset());
      if (end <= e.offset()) {
        throw error(e, "member at " + e.offset() + " does not end before the TOC at " + tocOffset);
      }
      out.add(new TocChunk(digest, e.chunkOffset(), size, e.offset(), end, e.innerOffset()));
      expected = e.chunkOffset() + size;
    }
    if (expected != fileSize) {
      throw error(entries.getFirst(), "chunks cover " + expected + " of " + fileSize + " bytes");
    }
    return List.copyOf(out);
  }

  /** Sorted distinct compressed offsets of every chunk: where each member ends is the next one. */
  private long[] memberStarts() {
    int count = 0;
    for (List<TocEntry> list : chunkEntries) {
      count += list == null ? 0 : list.size();
    }
    long[] starts = new long[count];
    int i = 0;
    for (List<TocEntry> list : chunkEntries) {
      for (TocEntry c : list == null ? List.<TocEntry>of() : list) {
        starts[i++] = c.offset();
      }
    }
    Arrays.sort(starts);
    return starts;
  }

  private long nextStart(long[] memberStarts, long offset) {
    int i = Arrays.binarySearch(memberStarts, offset);
    // Found: skip equal offsets (members shared by several chunks); not found: the insertion point.
    i = i >= 0 ? i + 1 : -i - 1;
    while (i < memberStarts.length && memberStarts[i] <= offset) {
      i++;
    }
    return i < memberStarts.length ? memberStarts[i] : tocOffset;
  }

  private static TocEntry syntheticDir(String path) {
    return TocEntry.builder(path, TocEntryType.DIR).mode(0755).modTime(Instant.EPOCH).build();
  }

  private TocFormatException error(TocEntry e, String what) {
    return new TocFormatException(
        "index TOC of layer " + layer + ": entry '" + e.name() + "': " + what);
  }
}
