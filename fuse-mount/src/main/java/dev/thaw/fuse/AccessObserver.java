package dev.thaw.fuse;

/**
 * SPI: told when a mounted layer's regular file is opened for the first time since the mount. The
 * snapshotter's start-up profile recorder implements it.
 *
 * <p>Implementations are thread-safe and cheap: {@link #opened} runs on the FUSE worker thread
 * serving the {@code open(2)}, so it must not block, must not do I/O and should not throw (a thrown
 * exception is logged and the open still succeeds).
 */
@FunctionalInterface
public interface AccessObserver {

  /** Observes nothing; mounts with it keep no access state at all. */
  AccessObserver NONE = file -> {};

  /**
   * Called once per regular file (per inode: hardlinks count once), mount and {@link
   * #generation()}, on its first successful open, before the open returns to the kernel.
   *
   * @param file the file; {@link AccessedFile#bytesRead()} keeps counting after this call
   */
  void opened(AccessedFile file);

  /**
   * A number that changes when the observer wants each file's next open reported again, e.g. when
   * another image starts sharing the layer. Read on every open, so it must be cheap (a volatile
   * read). The default, a constant, reports each file once per mount.
   */
  default int generation() {
    return 0;
  }
}
