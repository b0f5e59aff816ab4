package dev.thaw.fuse;

import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * Sets the open flags of libfuse2's {@code struct fuse_file_info} by writing the flag word
 * directly.
 *
 * <p>jnr-fuse 0.5.8 maps {@code direct_io} and {@code keep_cache} as padding at the wrong offset,
 * so setting them through its fields has no effect. The libfuse2 layout on LP64 is:
 *
 * <pre>
 * byte  0..3   int flags
 * byte  4..7   (alignment)
 * byte  8..15  unsigned long fh_old
 * byte 16..19  int writepage
 * byte 20..23  bitfield word: bit 0 direct_io, bit 1 keep_cache, bit 2 flush,
 *              bit 3 nonseekable, bit 4 flock_release
 * byte 24..31  uint64_t fh
 * byte 32..39  uint64_t lock_owner
 * </pre>
 *
 * <p>Stateless; thread-safe.
 */
final class FuseFileInfoFlags {
  /** Offset of the bitfield word in libfuse2's {@code struct fuse_file_info}. */
  static final int FLAG_WORD_OFFSET = 20;

  static final int DIRECT_IO = 1;
  static final int KEEP_CACHE = 1 << 1;

  private FuseFileInfoFlags() {}

  /** Asks the kernel to keep the page cache of the file across opens (the file is immutable). */
  static void setKeepCache(FuseFileInfo fi) {
    set(Struct.getMemory(fi), KEEP_CACHE);
  }

  /** Reads the flag word (for tests). */
  static int flagWord(FuseFileInfo fi) {
    return Struct.getMemory(fi).getInt(FLAG_WORD_OFFSET);
  }

  static void set(Pointer fileInfo, int bits) {
    fileInfo.putInt(FLAG_WORD_OFFSET, fileInfo.getInt(FLAG_WORD_OFFSET) | bits);
  }
}
