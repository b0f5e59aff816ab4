package dev.thaw.fuse;

import dev.thaw.image.toc.TocIndex;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One layer mounted read-only over FUSE: its {@link TocIndex} answers metadata, its {@link
 * ChunkSource} supplies file bytes. The mount is overlay-ready (whiteouts as char devices 0:0,
 * opaque directories as {@code trusted.overlay.opaque=y}), reports the TOC's inode numbers and
 * keeps file contents in the page cache across opens.
 *
 * <p>{@link #mount} blocks until the mount is live; {@link #close} unmounts (lazily if busy) and is
 * idempotent. Thread-safe.
 */
public final class LayerMount implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LayerMount.class.getName());

  private final FuseSession session;
  private final LayerFileSystem fileSystem;
  private final MountOptions options;

  private LayerMount(FuseSession session, LayerFileSystem fileSystem, MountOptions options) {
    this.session = session;
    this.fileSystem = fileSystem;
    this.options = options;
  }

  /**
   * Mounts the layer described by {@code index} at {@code mountpoint}, an existing empty directory,
   * and returns once the kernel serves it. FUSE callbacks then run on libfuse's worker threads and
   * call {@code source} concurrently.
   *
   * @throws IOException if libfuse fails to mount or the mount does not appear within {@link
   *     MountOptions#mountTimeout()}
   */
  public static LayerMount mount(
      TocIndex index, ChunkSource source, Path mountpoint, MountOptions options)
      throws IOException {
    return mount(index, source, mountpoint, options, AccessObserver.NONE);
  }

  /**
   * Like {@link #mount(TocIndex, ChunkSource, Path, MountOptions)}, reporting each regular file's
   * first open to {@code observer} (on the FUSE thread serving the open) and counting the bytes
   * read from it.
   *
   * @throws IOException if libfuse fails to mount or the mount does not appear in time
   */
  public static LayerMount mount(
      TocIndex index,
      ChunkSource source,
      Path mountpoint,
      MountOptions options,
      AccessObserver observer)
      throws IOException {
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(observer, "observer");
    if (!Files.isDirectory(mountpoint)) {
      throw new IOException(
          "mount layer " + options.name() + ": " + mountpoint + " is no directory");
    }
    LayerFileSystem fs =
        new LayerFileSystem(index, source, new ErrnoMapper(options.name()), observer);
    FuseSession session =
        FuseSession.start(fs, mountpoint, fuseOptions(options), options.mountTimeout());
    LOG.log(Level.DEBUG, () -> "mounted layer " + options.name() + " at " + mountpoint);
    return new LayerMount(session, fs, options);
  }

  /** The libfuse {@code -o} options for a layer mount. */
  static List<String> fuseOptions(MountOptions options) {
    long cacheSeconds = options.cacheTimeout().toSeconds();
    List<String> fuse = new ArrayList<>();
    fuse.add("ro");
    fuse.add("use_ino");
    fuse.add("default_permissions");
    if (options.allowOther()) {
      fuse.add("allow_other");
    }
    fuse.add("fsname=thaw:" + options.name());
    fuse.add("subtype=thaw");
    fuse.add("attr_timeout=" + cacheSeconds);
    fuse.add("entry_timeout=" + cacheSeconds);
    fuse.add("negative_timeout=" + cacheSeconds);
    return fuse;
  }

  /** Where the layer is mounted (absolute, normalized). */
  public Path mountpoint() {
    return session.mountpoint();
  }

  /** The options the layer was mounted with. */
  public MountOptions options() {
    return options;
  }

  /** Whether libfuse still serves the mount. */
  public boolean isServing() {
    return session.isRunning();
  }

  /**
   * Unmounts (lazily when busy: open files keep working until closed) and waits for libfuse to
   * stop. Idempotent.
   *
   * @throws IOException if the unmount failed
   */
  @Override
  public void close() throws IOException {
    session.close();
  }

  /**
   * Detaches a stale FUSE mount at {@code mountpoint}: one whose server is gone (a killed process),
   * so every access fails with "Transport endpoint is not connected". A live mount, or no mount, is
   * left alone.
   *
   * @return whether a stale mount was detached
   * @throws IOException if detaching failed
   */
  public static boolean clearStale(Path mountpoint) throws IOException {
    Path target = mountpoint.toAbsolutePath().normalize();
    if (!new MountTable().isFuseMounted(target) || !isDisconnected(target)) {
      return false;
    }
    Unmounter.detach(target);
    LOG.log(Level.INFO, () -> "detached stale FUSE mount " + target);
    return true;
  }

  /**
   * Detaches every stale FUSE mount at or below {@code root} (see {@link #clearStale}); for a
   * daemon starting after a crash.
   *
   * @return the mountpoints detached
   */
  public static List<Path> clearStaleUnder(Path root) throws IOException {
    Path base = root.toAbsolutePath().normalize();
    List<Path> cleared = new ArrayList<>();
    for (MountTable.Entry e : new MountTable().entries()) {
      if (e.isFuse() && e.mountpoint().startsWith(base) && !cleared.contains(e.mountpoint())) {
        if (clearStale(e.mountpoint())) {
          cleared.add(e.mountpoint());
        }
      }
    }
    return List.copyOf(cleared);
  }

  /**
   * Whether accessing {@code mountpoint} fails with ENOTCONN: its FUSE server is gone. Opens the
   * directory because that always reaches the server; a {@code stat} may be answered from the
   * kernel's attribute cache.
   */
  private static boolean isDisconnected(Path mountpoint) {
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(mountpoint)) {
      return dir.iterator() == null;
    } catch (FileSystemException e) {
      return e.getReason() != null && e.getReason().contains("not connected");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "layer " + options.name() + " at " + mountpoint() + " (" + fileSystem + ")";
  }
}
