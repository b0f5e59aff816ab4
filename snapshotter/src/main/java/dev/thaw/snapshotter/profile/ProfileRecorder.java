package dev.thaw.snapshotter.profile;

import dev.thaw.fuse.AccessedFile;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records, per image, which files its containers open in their first moments: a window of {@link
 * #window()} starting at the image's first file access through any of its lazily mounted layers.
 * The first open of each file on a mount arrives on a FUSE thread ({@link #observer}); it is
 * stamped and queued without locks or I/O. A flusher thread writes the queue, window starts and the
 * files' byte counts to the {@link ProfileStore} every {@link #FLUSH_INTERVAL}, and once more at
 * {@link #close}. A window that ended stays ended across restarts (its start is stored).
 *
 * <p>Thread-safe.
 */
public final class ProfileRecorder implements AutoCloseable {
  /** How often recorded accesses reach the store. */
  public static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

  private static final Logger LOG = Logger.getLogger(ProfileRecorder.class.getName());

  private final ProfileStore store;
  private final Duration window;
  private final Clock clock;
  private final SnapshotterMetrics metrics;
  private final ConcurrentHashMap<String, ImageWindow> windows = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Access> queue = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService flusher;
  private final Object flushLock = new Object();

  /** An image's window and the files whose byte counts still change, owned by the flusher. */
  private static final class ImageWindow {
    final String image;
    volatile Instant start;
    boolean startStored;
    final List<Access> open = new ArrayList<>();
    final Set<String> recorded = new HashSet<>();

    ImageWindow(String image, Instant start, boolean startStored) {
      this.image = image;
      this.start = start;
      this.startStored = startStored;
    }
  }

  /** One first open, as queued by a FUSE thread. */
  private record Access(String image, String layer, AccessedFile file, Instant at) {
    ProfiledFile profiled() {
      return new ProfiledFile(image, file.path(), at, layer, file.bytesRead());
    }
  }

  private ProfileRecorder(
      ProfileStore store,
      Duration window,
      Clock clock,
      SnapshotterMetrics metrics,
      boolean flushThread) {
    this.store = store;
    this.window = window;
    this.clock = clock;
    this.metrics = metrics;
    if (flushThread) {
      this.flusher =
          Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "thaw-profile-flush");
            t.setDaemon(true);
            return t;
          });
      long ms = FLUSH_INTERVAL.toMillis();
      flusher.scheduleWithFixedDelay(this::flushLogged, ms, ms, TimeUnit.MILLISECONDS);
    } else {
      this.flusher = null;
    }
  }

  /**
   * A recorder writing to {@code store}, which it owns from now on, flushing on its own thread.
   *
   * @param window how long after an image's first file access its profile records
   * @param metrics counts the files written and the batches lost
   * @throws IOException if the stored windows cannot be read
   */
  public static ProfileRecorder start(
      ProfileStore store, Duration window, Clock clock, SnapshotterMetrics metrics)
      throws IOException {
    return create(store, window, clock, metrics, true);
  }

  /** Like {@link #start} without the flusher thread: tests call {@link #flush()} themselves. */
  static ProfileRecorder manual(
      ProfileStore store, Duration window, Clock clock, SnapshotterMetrics metrics)
      throws IOException {
    return create(store, window, clock, metrics, false);
  }

  private static ProfileRecorder create(
      ProfileStore store,
      Duration window,
      Clock clock,
      SnapshotterMetrics metrics,
      boolean flushThread)
      throws IOException {
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(clock, "clock");
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("profile window " + window + " must be positive");
    }
    Map<String, Instant> stored = store.windowStarts();
    ProfileRecorder r = new ProfileRecorder(store, window, clock, metrics, flushThread);
    stored.forEach((image, start) -> r.windows.put(image, new ImageWindow(image, start, true)));
    return r;
  }

  /** The recording window per image. */
  public Duration window() {
    return window;
  }

  /**
   * The observer for one mounted layer of {@code image}: it records the layer's first opens under
   * the image (and under images added later with {@link ProfiledLayer#addImage}) while their
   * windows are open.
   *
   * @param layer the layer's digest
   * @param image the image reference (canonical form) the layer is mounted for
   */
  public ProfiledLayer layer(String layer, String image) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(layer, "layer");
    return new ProfiledLayer(this, layer, image);
  }

  /** A first open on a layer used by {@code images}; runs on a FUSE thread. */
  void opened(List<String> images, String layer, AccessedFile file) {
    Instant now = clock.instant();
    for (String image : images) {
      ImageWindow w = windows.get(image);
      if (w == null) {
        // once per image: its first access opens its window
        w = windows.computeIfAbsent(image, i -> new ImageWindow(i, now, false));
      }
      if (!now.isAfter(w.start.plus(window))) {
        queue.add(new Access(image, layer, file, now));
      }
    }
  }

  /**
   * Writes what was recorded since the last flush: new windows, first accesses, and the byte counts
   * of files in windows still open (a final count for windows that just ended).
   *
   * @throws IOException if the store fails; the batch is then dropped (logged by the caller)
   */
  public void flush() throws IOException {
    synchronized (flushLock) {
      Instant now = clock.instant();
      Map<String, Instant> newWindows = new HashMap<>();
      for (ImageWindow w : windows.values()) {
        if (!w.startStored) {
          newWindows.put(w.image, w.start);
        }
      }
      List<ProfiledFile> accesses = new ArrayList<>();
      for (Access a; (a = queue.poll()) != null; ) {
        ImageWindow w = windows.get(a.image());
        // a shared layer reports its files again when an image joins: keep the first only
        if (w.recorded.add(a.file().path())) {
          accesses.add(a.profiled());
          w.open.add(a);
        }
      }
      List<ProfiledFile> counts = new ArrayList<>();
      for (ImageWindow w : windows.values()) {
        if (w.open.isEmpty()) {
          continue;
        }
        for (Access a : w.open) {
          counts.add(a.profiled());
        }
        if (now.isAfter(w.start.plus(window))) {
          w.open.clear();
          w.recorded.clear();
        }
      }
      if (newWindows.isEmpty() && accesses.isEmpty() && counts.isEmpty()) {
        return;
      }
      try {
        store.write(newWindows, window, accesses, counts);
      } catch (IOException | RuntimeException e) {
        metrics.profileFlushFailed();
        throw e;
      }
      metrics.profileFilesRecorded(accesses.size());
      for (String image : newWindows.keySet()) {
        windows.get(image).startStored = true;
      }
    }
  }

  private void flushLogged() {
    try {
      flush();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "record start-up profiles: " + e.getMessage(), e);
    }
  }

  /** Stops the flusher, writes what is left and closes the store. */
  @Override
  public void close() throws IOException {
    if (flusher != null) {
      flusher.shutdown();
      try {
        if (!flusher.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warning("profile flusher still running after 10 s; closing anyway");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      flush();
    } finally {
      store.close();
    }
  }
}
