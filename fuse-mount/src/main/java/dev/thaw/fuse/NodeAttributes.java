package dev.thaw.fuse;

import dev.thaw.image.toc.TocEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * Fills {@code struct stat} for a {@link LayerNode} from its TOC entry: type and permission bits,
 * owner, size, link count, device number, times and the stable inode number.
 *
 * <p>Stateless; thread-safe.
 */
final class NodeAttributes {
  static final int BLOCK_SIZE = 4096;

  /** Directories report this size, as ext4 does for a small directory. */
  static final long DIRECTORY_SIZE = 4096;

  private static final long PERMISSION_BITS = 07777;

  private NodeAttributes() {}

  static void fill(LayerNode node, FileStat stat) {
    TocEntry e = node.tocNode().entry();
    stat.st_ino.set(node.inode());
    stat.st_uid.set(e.uid());
    stat.st_gid.set(e.gid());
    stat.st_blksize.set(BLOCK_SIZE);
    setTime(stat, e.modTime());
    if (node.whiteout()) {
      // overlayfs treats a char device 0:0 as a whiteout.
      stat.st_mode.set(FileStat.S_IFCHR | (e.mode() & PERMISSION_BITS));
      stat.st_nlink.set(1);
      stat.st_rdev.set(0);
      stat.st_size.set(0);
      return;
    }
    stat.st_mode.set(typeBits(e) | (e.mode() & PERMISSION_BITS));
    stat.st_nlink.set(node.tocNode().linkCount());
    long size = size(e);
    stat.st_size.set(size);
    stat.st_blocks.set((size + 511) / 512);
    stat.st_rdev.set(deviceNumber(e.devMajor(), e.devMinor()));
  }

  /** The file type bits of {@code S_IFMT} for the entry's type. */
  static int typeBits(TocEntry e) {
    return switch (e.type()) {
      case DIR -> FileStat.S_IFDIR;
      case REG, CHUNK, HARDLINK -> FileStat.S_IFREG;
      case SYMLINK -> FileStat.S_IFLNK;
      case CHAR -> FileStat.S_IFCHR;
      case BLOCK -> FileStat.S_IFBLK;
      case FIFO -> FileStat.S_IFIFO;
    };
  }

  /** {@code st_size}: content bytes of files, target bytes of symlinks, 4096 for directories. */
  static long size(TocEntry e) {
    return switch (e.type()) {
      case REG, CHUNK, HARDLINK -> e.size();
      case SYMLINK -> e.linkName().getBytes(StandardCharsets.UTF_8).length;
      case DIR -> DIRECTORY_SIZE;
      case CHAR, BLOCK, FIFO -> 0;
    };
  }

  /**
   * glibc's {@code makedev}: {@code major} bits 0-11 at 8-19 and 12-31 at 44-63, {@code minor} bits
   * 0-7 at 0-7 and 8-31 at 20-43. libfuse passes the low 32 bits to the kernel, which decodes them
   * the same way ({@code new_decode_dev}) for majors below 4096 and minors below 2^20.
   */
  static long deviceNumber(long major, long minor) {
    return ((major & 0xfffff000L) << 32)
        | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0xffL);
  }

  private static void setTime(FileStat stat, Instant t) {
    long seconds = t.getEpochSecond();
    long nanos = t.getNano();
    stat.st_mtim.tv_sec.set(seconds);
    stat.st_mtim.tv_nsec.set(nanos);
    stat.st_atim.tv_sec.set(seconds);
    stat.st_atim.tv_nsec.set(nanos);
    stat.st_ctim.tv_sec.set(seconds);
    stat.st_ctim.tv_nsec.set(nanos);
  }
}
