package dev.thaw.snapshotter.cache;

import dev.thaw.image.oci.Digest;
import java.nio.ByteBuffer;

/** Range checks and copies shared by the chunk caches. Stateless. */
final class ChunkCopies {
  private ChunkCopies() {}

  /** How many bytes a read at {@code offset} of a chunk of {@code size} bytes into dst copies. */
  static int length(Digest digest, long size, long offset, ByteBuffer dst) {
    if (offset < 0 || offset > size) {
      throw new IllegalArgumentException(
          "read chunk " + digest.shortForm() + " at offset " + offset + ": chunk has " + size);
    }
    return (int) Math.min(dst.remaining(), size - offset);
  }

  static void copy(Digest digest, byte[] bytes, long offset, ByteBuffer dst) {
    int n = length(digest, bytes.length, offset, dst);
    dst.put(bytes, (int) offset, n);
  }
}
