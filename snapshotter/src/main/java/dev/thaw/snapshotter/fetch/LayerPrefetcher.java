package dev.thaw.snapshotter.fetch;

import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Fetches a freshly mounted layer ahead of reads: first its prioritized region (the regular files
 * before {@code .prefetch.landmark} in TOC order; nothing with {@code .no.prefetch.landmark} or
 * without a landmark) in large parallel ranges at prefetch priority, in blob order (the indexer
 * writes the hot files in the order the profiled process opened them, so a process reading them
 * again finds its chunks arriving ahead of it), then, once that is done, every other chunk at
 * background priority (if the scheduler accepts background work).
 *
 * <p>The region's head is its first run, what the process will read first; a prepare waits for that
 * only, and the rest streams in while containerd goes on with the pull and the container starts.
 * Reads of chunks the prefetch has not reached yet fetch them on demand (ahead of every queued
 * prefetch run); the prefetch then skips them.
 *
 * <p>Thread-safe. Chunks already cached or in flight are skipped when their run starts.
 */
public final class LayerPrefetcher {
  /** Entries before this one are start-up-hot. */
  public static final String PREFETCH_LANDMARK = ".prefetch.landmark";

  /** Present when the layer has nothing to prefetch. */
  public static final String NO_PREFETCH_LANDMARK = ".no.prefetch.landmark";

  private static final Logger LOG = Logger.getLogger(LayerPrefetcher.class.getName());

  private final LayerFetcher fetcher;
  private final List<TocChunk> prioritized;
  private final List<TocChunk> rest;
  private volatile CompletableFuture<Void> head = CompletableFuture.completedFuture(null);
  private volatile CompletableFuture<Void> prefetch = CompletableFuture.completedFuture(null);
  private volatile CompletableFuture<Void> background = CompletableFuture.completedFuture(null);

  /** Plans the prefetch of the layer indexed by {@code index}. */
  public LayerPrefetcher(TocIndex index, LayerFetcher fetcher) {
    this.fetcher = fetcher;
    List<TocChunk> hot = new ArrayList<>();
    boolean landmark = false;
    for (TocNode node : index.nodes()) {
      if (node.path().equals(PREFETCH_LANDMARK) || node.path().equals(NO_PREFETCH_LANDMARK)) {
        landmark = node.path().equals(PREFETCH_LANDMARK);
        break;
      }
      hot.addAll(index.chunks(node));
    }
    this.prioritized = landmark ? LayerChunks.sorted(hot) : List.of();
    Set<TocChunk> hotSet = new HashSet<>(prioritized);
    List<TocChunk> others = new ArrayList<>();
    for (TocChunk c : LayerChunks.of(index).blobOrder()) {
      if (!hotSet.contains(c)) {
        others.add(c);
      }
    }
    this.rest = others;
  }

  /** The chunks of the prioritized region, in blob order. */
  public List<TocChunk> prioritized() {
    return prioritized;
  }

  /**
   * The head of the prioritized region: its chunks from the first one on while they fit in one
   * prefetch run of {@code runBytes} (at least the first chunk; empty for an empty region).
   */
  static int headSize(List<TocChunk> prioritized, long runBytes) {
    if (prioritized.isEmpty()) {
      return 0;
    }
    long start = prioritized.getFirst().compressedOffset();
    int n = 1;
    while (n < prioritized.size() && prioritized.get(n).compressedEnd() - start <= runBytes) {
      n++;
    }
    return n;
  }

  /**
   * Starts the prefetch (the head's runs queued first), and the background stream after it. Returns
   * at once.
   *
   * @return completes when the prioritized region has been fetched (or failed to be)
   */
  public CompletableFuture<Void> start() {
    FetchConfig config = fetcher.context().config();
    int split = headSize(prioritized, config.prefetchRunBytes());
    head =
        fetcher.fetchLazily(
            prioritized.subList(0, split), config.prefetchRunBytes(), FetchPriority.PREFETCH);
    CompletableFuture<Void> tail =
        fetcher.fetchLazily(
            prioritized.subList(split, prioritized.size()),
            config.prefetchRunBytes(),
            FetchPriority.PREFETCH);
    prefetch = CompletableFuture.allOf(head, tail);
    background =
        prefetch
            .handle((v, t) -> (Void) null)
            .thenCompose(v -> {
              LOG.fine(() -> "layer " + fetcher.layer() + ": prefetch done");
              return fetcher.context().scheduler().backgroundEnabled()
                  ? fetcher.fetchLazily(rest, config.backgroundRunBytes(), FetchPriority.BACKGROUND)
                  : CompletableFuture.<Void>completedFuture(null);
            });
    return prefetch;
  }

  /**
   * Waits up to {@code timeout} for the whole prioritized region.
   *
   * @return whether it was fetched in time
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitPrefetch(Duration timeout) throws InterruptedException {
    return await(prefetch, timeout);
  }

  /**
   * Waits up to {@code timeout} for the head of the prioritized region (its first prefetch run).
   *
   * @return whether it was fetched in time
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitHead(Duration timeout) throws InterruptedException {
    return await(head, timeout);
  }

  private static boolean await(CompletableFuture<Void> future, Duration timeout)
      throws InterruptedException {
    try {
      future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true; // failures were recorded in the layer's health; reads retry on demand
    }
  }

  /** Completes when the background stream has finished (at once if it never started). */
  public CompletableFuture<Void> background() {
    return background;
  }
}
