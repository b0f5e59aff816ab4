package dev.thaw.snapshotter.fetch;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocChunk;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fetches runs of one layer's chunks: one Range request per run (retried a bounded number of
 * times), then each chunk decompressed, verified against its digest, stored in the chunk cache and
 * handed to whoever waits on its flight. No byte reaches the cache or a flight unverified.
 *
 * <p>Thread-safe. Runs execute on the {@link FetchScheduler}; the methods here only queue them.
 */
public final class LayerFetcher {
  private static final Logger LOG = Logger.getLogger(LayerFetcher.class.getName());

  private final String layer;
  private final BlobSource blob;
  private final ChunkCodec codec;
  private final FetchContext ctx;
  private final LayerHealth health;

  /**
   * A fetcher for the layer whose blob is {@code blob}.
   *
   * @param layer the layer's name for messages (its digest)
   * @param health where failures and recoveries of this layer are recorded
   */
  public LayerFetcher(
      String layer, BlobSource blob, ChunkCodec codec, FetchContext ctx, LayerHealth health) {
    this.layer = layer;
    this.blob = blob;
    this.codec = codec;
    this.ctx = ctx;
    this.health = health;
  }

  /** The layer's name for messages. */
  public String layer() {
    return layer;
  }

  /** The shared fetch context. */
  public FetchContext context() {
    return ctx;
  }

  /**
   * Leads the flights of as many chunks of the run starting at {@code blobOrder[start]} as are
   * neither cached nor in flight (the first chunk must already be led by the caller through {@code
   * firstFlight}), and queues one fetch for them.
   */
  void fetchLed(
      List<TocChunk> blobOrder,
      int start,
      CompletableFuture<byte[]> firstFlight,
      long maxRunBytes,
      FetchPriority priority) {
    Map<Digest, CompletableFuture<byte[]>> led = new LinkedHashMap<>();
    led.put(blobOrder.get(start).chunkDigest(), firstFlight);
    Predicate<TocChunk> leadIfMissing =
        c -> {
          if (led.containsKey(c.chunkDigest()) || ctx.cache().contains(c.chunkDigest())) {
            return false;
          }
          Optional<CompletableFuture<byte[]>> f = ctx.flights().lead(c.chunkDigest());
          f.ifPresent(flight -> led.put(c.chunkDigest(), flight));
          return f.isPresent();
        };
    FetchRun run =
        new RangeCoalescer(maxRunBytes, ctx.config().maxGapBytes())
            .runFrom(blobOrder, start, leadIfMissing);
    submit(run, led, priority);
  }

  /**
   * Queues a fetch of {@code chunks} (sorted in blob order) as runs of at most {@code maxRunBytes};
   * each run leads its chunks' flights only when it starts, skipping chunks that are cached or in
   * flight by then. For prefetch and background streaming.
   *
   * @return completes when every run has finished (successfully or not)
   */
  public CompletableFuture<Void> fetchLazily(
      List<TocChunk> chunks, long maxRunBytes, FetchPriority priority) {
    RangeCoalescer coalescer = new RangeCoalescer(maxRunBytes, ctx.config().maxGapBytes());
    List<CompletableFuture<?>> done = new ArrayList<>();
    for (FetchRun run : coalescer.partition(chunks)) {
      try {
        done.add(
            ctx.scheduler()
                .submit(
                    priority,
                    run.length(),
                    () -> {
                      fetchMissing(run, coalescer, priority);
                      return null;
                    })
                .future());
      } catch (RejectedExecutionException e) {
        done.add(CompletableFuture.failedFuture(e));
      }
    }
    return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).handle((v, t) -> null);
  }

  private void fetchMissing(FetchRun planned, RangeCoalescer coalescer, FetchPriority priority) {
    Map<Digest, CompletableFuture<byte[]>> led = new LinkedHashMap<>();
    List<TocChunk> missing = new ArrayList<>();
    for (TocChunk c : planned.chunks()) {
      if (led.containsKey(c.chunkDigest()) || ctx.cache().contains(c.chunkDigest())) {
        continue;
      }
      Optional<CompletableFuture<byte[]>> f = ctx.flights().lead(c.chunkDigest());
      if (f.isPresent()) {
        led.put(c.chunkDigest(), f.get());
        missing.add(c);
      }
    }
    for (FetchRun run : coalescer.partition(missing)) {
      execute(run, led, priority);
    }
  }

  private void submit(
      FetchRun run, Map<Digest, CompletableFuture<byte[]>> led, FetchPriority priority) {
    try {
      ctx.scheduler()
          .submit(
              priority,
              run.length(),
              () -> {
                execute(run, led, priority);
                return null;
              });
    } catch (RejectedExecutionException e) {
      ctx.flights().failAll(led, e);
    }
  }

  /** Fetches one run now, on the calling thread; completes (or fails) every led flight. */
  private void execute(
      FetchRun run, Map<Digest, CompletableFuture<byte[]>> led, FetchPriority priority) {
    byte[] range;
    try {
      range = readWithRetries(run, priority);
    } catch (IOException e) {
      health.failed(e);
      ctx.metrics().fetchFailed();
      Map<Digest, CompletableFuture<byte[]>> mine = new LinkedHashMap<>();
      for (TocChunk c : run.chunks()) {
        CompletableFuture<byte[]> f = led.remove(c.chunkDigest());
        if (f != null) {
          mine.put(c.chunkDigest(), f);
        }
      }
      ctx.flights().failAll(mine, e);
      return;
    }
    health.succeeded();
    for (TocChunk c : run.chunks()) {
      CompletableFuture<byte[]> f = led.remove(c.chunkDigest());
      if (f == null) {
        continue; // led by someone else, or a duplicate digest already served
      }
      try {
        byte[] bytes = decode(run, range, c);
        store(c, bytes);
        ctx.flights().complete(c.chunkDigest(), f, bytes);
      } catch (IOException | RuntimeException e) {
        health.failed(e);
        LOG.warning(() -> "layer " + layer + ": " + e.getMessage());
        ctx.flights().fail(c.chunkDigest(), f, e);
      }
    }
  }

  private byte[] decode(FetchRun run, byte[] range, TocChunk c) throws IOException {
    int from = (int) (c.compressedOffset() - run.offset());
    int to = (int) (c.compressedEnd() - run.offset());
    byte[] member = Arrays.copyOfRange(range, from, to);
    byte[] bytes;
    try {
      bytes = codec.decompress(member, c);
    } catch (IOException e) {
      throw new IOException("decompress " + c + " of layer " + layer + ": " + e.getMessage(), e);
    }
    if (bytes.length != c.size()) {
      throw new IOException(
          "decompress " + c + " of layer " + layer + ": got " + bytes.length + " bytes");
    }
    codec.verify(bytes, c);
    return bytes;
  }

  private void store(TocChunk c, byte[] bytes) {
    try {
      ctx.cache().put(c.chunkDigest(), bytes);
    } catch (IOException e) {
      // The bytes are verified and are served from memory; only later reads lose the cache.
      LOG.log(Level.WARNING, "layer " + layer + ": cache " + c + ": " + e.getMessage(), e);
    }
  }

  private byte[] readWithRetries(FetchRun run, FetchPriority priority) throws IOException {
    FetchConfig config = ctx.config();
    long backoff = config.retryBackoff().toMillis();
    IOException last = null;
    for (int attempt = 1; attempt <= config.attempts(); attempt++) {
      long start = System.nanoTime();
      try {
        byte[] bytes = blob.read(run.offset(), Math.toIntExact(run.length()));
        ctx.metrics().fetched(priority.label(), bytes.length, System.nanoTime() - start);
        LOG.fine(() -> "layer " + layer + ": fetched " + run + " (" + priority.label() + ")");
        return bytes;
      } catch (EOFException e) {
        throw new IOException(
            "fetch " + run + " of layer " + layer + " from " + blob.describe() + ": " + e, e);
      } catch (IOException e) {
        last = e;
        if (attempt < config.attempts()) {
          LOG.info(
              "layer "
                  + layer
                  + ": fetch "
                  + run
                  + " attempt "
                  + attempt
                  + " failed, retrying: "
                  + e.getMessage());
          sleep(backoff);
          backoff *= 2;
        }
      }
    }
    throw new IOException(
        "fetch "
            + run
            + " of layer "
            + layer
            + " from "
            + blob.describe()
            + ": failed "
            + config.attempts()
            + " times, last: "
            + last.getMessage(),
        last);
  }

  private static void sleep(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted between fetch attempts");
    }
  }
}
