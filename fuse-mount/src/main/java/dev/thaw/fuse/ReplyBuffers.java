package dev.thaw.fuse;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import jnr.ffi.Pointer;

/**
 * Views libfuse's native reply buffer as a direct {@link ByteBuffer}, so a {@link ChunkSource}
 * fills it without an intermediate copy. Uses jffi (jnr-ffi's native layer) because Java 21 has no
 * final API to wrap a raw address.
 *
 * <p>Stateless; thread-safe. The view is valid only during the FUSE callback that received the
 * pointer.
 */
final class ReplyBuffers {
  private static final MemoryIO MEMORY = MemoryIO.getInstance();

  private ReplyBuffers() {}

  /** A direct buffer over the first {@code length} bytes at {@code reply}. */
  static ByteBuffer wrap(Pointer reply, int length) {
    if (!reply.isDirect()) {
      throw new IllegalArgumentException("FUSE reply buffer is not native memory: " + reply);
    }
    return MEMORY.newDirectByteBuffer(reply.address(), length);
  }
}
