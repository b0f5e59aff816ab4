package dev.thaw.fuse;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running libfuse main loop serving a {@link NativeFileSystem} at a mountpoint.
 *
 * <p>{@link #start} runs libfuse (multithreaded, foreground) on a dedicated platform thread and
 * blocks until the mount appears in {@code /proc/self/mountinfo}. {@link #close} unmounts (lazily
 * if busy), which ends the loop, and waits for the thread. Thread-safe; {@code close} is
 * idempotent.
 */
final class FuseSession implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FuseSession.class.getName());
  private static final Duration POLL_INTERVAL = Duration.ofMillis(5);
  private static final Duration LOOP_EXIT_TIMEOUT = Duration.ofSeconds(10);

  private final Path mountpoint;
  private final Thread loopThread;
  private final CompletableFuture<Integer> exitCode;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FuseSession(Path mountpoint, Thread loopThread, CompletableFuture<Integer> exitCode) {
    this.mountpoint = mountpoint;
    this.loopThread = loopThread;
    this.exitCode = exitCode;
  }

  /**
   * Mounts {@code fs} at {@code mountpoint} with libfuse options {@code options} (each passed as
   * {@code -o}) and returns once the mount is live.
   *
   * @throws IOException if libfuse exits before the mount appears or it does not appear within
   *     {@code timeout}; a half-made mount is unmounted first
   */
  static FuseSession start(
      NativeFileSystem fs, Path mountpoint, List<String> options, Duration timeout)
      throws IOException {
    Path target = mountpoint.toAbsolutePath().normalize();
    MountTable table = new MountTable();
    if (table.isFuseMounted(target)) {
      throw new IOException("mount FUSE at " + target + ": something is already mounted there");
    }
    List<String> argv = new ArrayList<>(List.of("thaw", "-f"));
    for (String option : options) {
      argv.add("-o");
      argv.add(option);
    }
    argv.add(target.toString());
    String[] args = argv.toArray(String[]::new);
    CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    Thread thread =
        Thread.ofPlatform()
            .name("thaw-fuse-loop " + target)
            .daemon(true)
            .unstarted(() -> {
              try {
                exitCode.complete(fs.runMainLoop(args));
              } catch (Throwable t) {
                exitCode.completeExceptionally(t);
              }
            });
    FuseSession session = new FuseSession(target, thread, exitCode);
    thread.start();
    session.awaitMounted(table, timeout, String.join(" ", argv));
    return session;
  }

  private void awaitMounted(MountTable table, Duration timeout, String commandLine)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (exitCode.isDone()) {
        throw new IOException(
            "mount FUSE at " + mountpoint + " (" + commandLine + "): libfuse exited " + exitInfo());
      }
      if (table.isFuseMounted(mountpoint)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IOException(
            "mount FUSE at " + mountpoint + ": not mounted after " + timeout.toMillis() + " ms");
      }
      try {
        Thread.sleep(POLL_INTERVAL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("mount FUSE at " + mountpoint + ": interrupted");
      }
    }
  }

  private String exitInfo() {
    try {
      return "with code " + exitCode.getNow(null);
    } catch (RuntimeException e) {
      return "by throwing " + e.getCause();
    }
  }

  Path mountpoint() {
    return mountpoint;
  }

  /** Whether libfuse's loop is still running. */
  boolean isRunning() {
    return !exitCode.isDone();
  }

  /**
   * Unmounts and waits for libfuse's loop to end; if the mount is busy, detaches it lazily and
   * returns at once (the loop ends when the last open file is closed). Idempotent.
   *
   * @throws IOException if the unmount failed or the loop did not end in time
   */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (isRunning() && new MountTable().isFuseMounted(mountpoint)) {
      if (Unmounter.unmount(mountpoint)) {
        // Busy: detached lazily. libfuse serves the open files until they are closed, then its
        // loop ends by itself; waiting here could take forever.
        LOG.log(
            Level.INFO,
            () -> "detached busy FUSE mount " + mountpoint + "; serving open files until closed");
        return;
      }
    }
    try {
      exitCode.get(LOOP_EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("unmount " + mountpoint + ": interrupted");
    } catch (ExecutionException e) {
      LOG.log(Level.WARNING, () -> "FUSE loop of " + mountpoint + " failed", e.getCause());
    } catch (TimeoutException e) {
      throw new IOException(
          "unmount "
              + mountpoint
              + ": libfuse loop (thread "
              + loopThread.getName()
              + ") still running after "
              + LOOP_EXIT_TIMEOUT.toMillis()
              + " ms");
    }
  }
}
