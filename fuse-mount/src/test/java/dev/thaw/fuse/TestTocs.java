package dev.thaw.fuse;

import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.Toc;
import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import dev.thaw.image.toc.TocFormatException;
import dev.thaw.image.toc.TocIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds TOCs in code for mounts served from a {@link MemoryChunkSource}: file contents are split
 * into chunks whose bytes go to the source; compressed offsets are fictitious but consistent.
 * Confined to one thread.
 */
final class TestTocs {
  static final Instant MTIME = Instant.parse("2024-05-06T07:08:09Z");

  private final MemoryChunkSource source;
  private final List<TocEntry> entries = new ArrayList<>();
  private long nextOffset = 0;

  TestTocs(MemoryChunkSource source) {
    this.source = source;
  }

  TestTocs dir(String name, long mode) {
    return add(TocEntry.builder(name, TocEntryType.DIR).mode(mode).modTime(MTIME).build());
  }

  TestTocs add(TocEntry e) {
    entries.add(e);
    return this;
  }

  TestTocs file(String name, long mode, byte[] content) {
    return file(name, mode, content, Math.max(1, content.length));
  }

  /** A regular file of {@code content}, split into chunks of {@code chunkSize}. */
  TestTocs file(String name, long mode, byte[] content, int chunkSize) {
    TocEntry.Builder head =
        TocEntry.builder(name, TocEntryType.REG)
            .mode(mode)
            .uid(1000)
            .gid(1001)
            .modTime(MTIME)
            .size(content.length);
    if (content.length > 0) {
      head.digest(Digest.sha256(content));
    }
    if (content.length == 0) {
      entries.add(head.build());
    }
    for (int off = 0; off < content.length; off += chunkSize) {
      int len = Math.min(chunkSize, content.length - off);
      Digest chunkDigest = source.put(Arrays.copyOfRange(content, off, off + len));
      TocEntry.Builder b = off == 0 ? head : TocEntry.builder(name, TocEntryType.CHUNK);
      b.offset(nextOffset).chunkOffset(off).chunkDigest(chunkDigest);
      if (len < content.length) {
        b.chunkSize(len);
      }
      nextOffset += 100;
      entries.add(b.build());
    }
    return this;
  }

  /** A regular file of {@code count} chunks, each {@code chunk} (stored once: same digest). */
  TestTocs repeatedFile(String name, byte[] chunk, int count) {
    Digest chunkDigest = source.put(chunk);
    long size = (long) chunk.length * count;
    for (int i = 0; i < count; i++) {
      TocEntry.Builder b =
          i == 0
              ? TocEntry.builder(name, TocEntryType.REG).mode(0644).modTime(MTIME).size(size)
              : TocEntry.builder(name, TocEntryType.CHUNK);
      b.offset(nextOffset).chunkOffset((long) i * chunk.length).chunkDigest(chunkDigest);
      b.chunkSize(chunk.length);
      nextOffset += 100;
      entries.add(b.build());
    }
    return this;
  }

  TocIndex build() throws TocFormatException {
    return TocIndex.of(Toc.of(entries), nextOffset + 100, "test layer");
  }

  static byte[] pattern(int size, int seed) {
    byte[] b = new byte[size];
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < size; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return b;
  }
}
