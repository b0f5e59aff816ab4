package dev.thaw.image.tar;

import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/** Maps tar headers to TOC entries. Thread-safe (stateless). */
public final class TocEntries {
  /** The PAX prefix under which xattrs travel (GNU tar, Go's archive/tar). */
  public static final String XATTR_PAX_PREFIX = "SCHILY.xattr.";

  private TocEntries() {}

  /**
   * The TOC entry for a validated tar header, without payload fields (offset, digests, chunks).
   * Xattr values are the UTF-8 bytes of the PAX value.
   */
  public static TocEntry.Builder fromTar(TarArchiveEntry t) {
    TocEntryType type;
    if (t.isDirectory()) {
      type = TocEntryType.DIR;
    } else if (t.isSymbolicLink()) {
      type = TocEntryType.SYMLINK;
    } else if (t.isLink()) {
      type = TocEntryType.HARDLINK;
    } else if (t.isCharacterDevice()) {
      type = TocEntryType.CHAR;
    } else if (t.isBlockDevice()) {
      type = TocEntryType.BLOCK;
    } else if (t.isFIFO()) {
      type = TocEntryType.FIFO;
    } else {
      type = TocEntryType.REG;
    }
    TocEntry.Builder b =
        TocEntry.builder(t.getName(), type)
            .modTime(t.getLastModifiedTime().toInstant())
            .mode(t.getMode() & 07777)
            .uid(t.getLongUserId())
            .gid(t.getLongGroupId())
            .userName(t.getUserName())
            .groupName(t.getGroupName());
    if (type == TocEntryType.REG) {
      b.size(t.getSize());
    }
    if (type == TocEntryType.SYMLINK || type == TocEntryType.HARDLINK) {
      b.linkName(t.getLinkName());
    }
    if (type == TocEntryType.CHAR || type == TocEntryType.BLOCK) {
      b.devMajor(t.getDevMajor()).devMinor(t.getDevMinor());
    }
    for (Map.Entry<String, String> h : t.getExtraPaxHeaders().entrySet()) {
      if (h.getKey().startsWith(XATTR_PAX_PREFIX)) {
        b.xattr(
            h.getKey().substring(XATTR_PAX_PREFIX.length()),
            h.getValue().getBytes(StandardCharsets.UTF_8));
      }
    }
    return b;
  }
}
