package dev.thaw.fuse;

import jnr.ffi.Struct;
import ru.serce.jnrfuse.FuseStubFS;

/**
 * A jnr-fuse file system that {@link FuseSession} can run. jnr-fuse's own {@code mount} waits a
 * fixed two seconds and registers a shutdown hook per mount; this runs libfuse's main loop directly
 * instead, so the session decides how to wait and how to unmount.
 */
abstract class NativeFileSystem extends FuseStubFS {
  /**
   * Runs {@code fuse_main_real} with {@code argv}: mounts, serves until unmounted, returns
   * libfuse's exit code. Blocks the calling thread for the lifetime of the mount.
   */
  final int runMainLoop(String[] argv) {
    return libFuse.fuse_main_real(
        argv.length, argv, fuseOperations, Struct.size(fuseOperations), null);
  }
}
