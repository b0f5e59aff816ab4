package dev.thaw.snapshotter.remote;

import dev.thaw.image.blob.BlobSource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Layers opened ahead of their Prepare: containerd prepares an image's layers one after the other,
 * but the first Prepare's labels already list the following layers, so their manifest lookup and
 * TOC fetch, verification and indexing can run while containerd commits the earlier ones. A later
 * Prepare {@link #claim claims} its layer's open; one never claimed (containerd had the layer
 * already, or the pull was abandoned) is closed after {@code ttl}.
 *
 * <p>Thread-safe.
 */
final class LayersAhead implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LayersAhead.class.getName());

  /** A layer located and opened: its blob (owned by whoever claims it) and its TOC index. */
  record Opened(BlobSource blob, OpenedLayer layer) {}

  /** Opens one layer, named by its digest; throws with the reason if it cannot be served. */
  @FunctionalInterface
  interface Opener {
    Opened open(String layer) throws IOException;
  }

  private record Pending(long startedNanos, CompletableFuture<Opened> future) {}

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final ExecutorService pool;
  private final Duration ttl;
  private final LongSupplier nanoClock;

  /** Opens on {@code threads} daemon threads; unclaimed opens are closed after {@code ttl}. */
  LayersAhead(int threads, Duration ttl) {
    this(
        Executors.newFixedThreadPool(
            threads, Thread.ofPlatform().name("thaw-layers-ahead-", 1).daemon().factory()),
        ttl,
        System::nanoTime);
  }

  LayersAhead(ExecutorService pool, Duration ttl, LongSupplier nanoClock) {
    this.pool = pool;
    this.ttl = ttl;
    this.nanoClock = nanoClock;
  }

  /**
   * Starts opening each of {@code layers} that is not pending already, with {@code opener}; first
   * closes the opens older than the ttl.
   */
  void start(List<String> layers, Opener opener) {
    expire();
    for (String layer : layers) {
      pending.computeIfAbsent(
          layer,
          l ->
              new Pending(
                  nanoClock.getAsLong(),
                  CompletableFuture.supplyAsync(
                      () -> {
                        try {
                          return opener.open(l);
                        } catch (IOException e) {
                          throw new java.io.UncheckedIOException(e);
                        }
                      },
                      pool)));
    }
  }

  /**
   * The open started ahead for {@code layer}, waiting for it to finish; empty if none was started
   * or it failed (the caller then opens the layer itself, and reports that failure if it recurs).
   * The caller owns the returned blob.
   *
   * @throws InterruptedException if interrupted while waiting; the open is closed when it finishes
   */
  Optional<Opened> claim(String layer) throws InterruptedException {
    Pending p = pending.remove(layer);
    if (p == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(p.future().get());
    } catch (ExecutionException e) {
      LOG.log(
          Level.FINE,
          "layer " + layer + ": open ahead failed, opening again: " + e.getCause().getMessage(),
          e.getCause());
      return Optional.empty();
    } catch (InterruptedException e) {
      p.future().thenAccept(LayersAhead::closeQuietly);
      throw e;
    }
  }

  /** How many opens are pending (started and not claimed). */
  int pendingCount() {
    return pending.size();
  }

  private void expire() {
    long now = nanoClock.getAsLong();
    for (Map.Entry<String, Pending> e : new ArrayList<>(pending.entrySet())) {
      if (now - e.getValue().startedNanos() > ttl.toNanos()
          && pending.remove(e.getKey(), e.getValue())) {
        e.getValue().future().thenAccept(LayersAhead::closeQuietly);
      }
    }
  }

  /** Stops the pool and closes every unclaimed open (when it finishes). */
  @Override
  public void close() {
    pool.shutdownNow();
    for (String layer : new ArrayList<>(pending.keySet())) {
      Pending p = pending.remove(layer);
      if (p != null) {
        p.future().thenAccept(LayersAhead::closeQuietly);
      }
    }
  }

  private static void closeQuietly(Opened o) {
    try {
      o.blob().close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "close blob " + o.blob().describe() + ": " + e.getMessage(), e);
    }
  }
}
