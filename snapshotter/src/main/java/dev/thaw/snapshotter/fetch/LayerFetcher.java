package dev.thaw.snapshotter.fetch;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocChunk;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
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
    FetchRun run;
    try {
      run =
          new RangeCoalescer(maxRunBytes, ctx.config().maxGapBytes())
              .runFrom(blobOrder, start, leadIfMissing);
    } catch (Throwable t) {
      // Out of memory, say: the flights led so far must fail, not leave their readers waiting.
      ctx.flights()
          .failAll(led, new IOException("plan fetch of layer " + layer + " failed: " + t, t));
      throw t;
    }
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
    try {
      for (FetchRun run : coalescer.partition(missing)) {
        execute(run, led, priority);
      }
    } catch (Throwable t) {
      // A run that failed with an Error failed its own flights; the later runs never started, and
      // their flights must fail too rather than leave readers waiting forever.
      ctx.flights()
          .failAll(
              led,
              new IOException(
                  "fetch " + planned + " of layer " + layer + " stopped early: " + t, t));
      throw t;
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
    } catch (Throwable t) {
      ctx.flights()
          .failAll(led, new IOException("queue fetch " + run + " of layer " + layer + ": " + t, t));
      throw t;
    }
  }

  /**
   * Fetches one run now, on the calling thread; completes (or fails) every led flight. The range is
   * streamed: each chunk is decoded, verified, cached and handed out as soon as its member has
   * arrived, so the first waiter does not wait for the whole range. A transfer that fails midway is
   * retried (a bounded number of times) for the chunks not yet served.
   */
  private void execute(
      FetchRun run, Map<Digest, CompletableFuture<byte[]>> led, FetchPriority priority) {
    try {
      executeOrFail(run, led, priority);
    } catch (Throwable t) {
      // An Error (out of memory, say) must not leave readers waiting forever on these flights.
      Map<Digest, CompletableFuture<byte[]>> mine = new LinkedHashMap<>();
      for (TocChunk c : run.chunks()) {
        CompletableFuture<byte[]> f = led.remove(c.chunkDigest());
        if (f != null) {
          mine.put(c.chunkDigest(), f);
        }
      }
      ctx.flights()
          .failAll(
              mine, new IOException("fetch " + run + " of layer " + layer + " failed: " + t, t));
      throw t;
    }
  }

  private void executeOrFail(
      FetchRun run, Map<Digest, CompletableFuture<byte[]>> led, FetchPriority priority) {
    FetchConfig config = ctx.config();
    long backoff = config.retryBackoff().toMillis();
    List<TocChunk> pending = run.chunks();
    IOException last = null;
    for (int attempt = 1; attempt <= config.attempts(); attempt++) {
      pending = pending.stream().filter(c -> led.containsKey(c.chunkDigest())).toList();
      if (pending.isEmpty()) {
        break;
      }
      FetchRun remaining = new FetchRun(pending);
      try {
        stream(remaining, led, priority);
        return;
      } catch (EOFException e) {
        last =
            new IOException(
                "fetch " + remaining + " of layer " + layer + " from " + blob.describe() + ": " + e,
                e);
        break;
      } catch (IOException e) {
        last = e;
        if (attempt < config.attempts()) {
          LOG.info(
              "layer "
                  + layer
                  + ": fetch "
                  + remaining
                  + " attempt "
                  + attempt
                  + " failed, retrying: "
                  + e.getMessage());
          try {
            sleep(backoff);
          } catch (InterruptedIOException interrupted) {
            last = interrupted;
            break;
          }
          backoff *= 2;
        } else {
          last =
              new IOException(
                  "fetch "
                      + remaining
                      + " of layer "
                      + layer
                      + " from "
                      + blob.describe()
                      + ": failed "
                      + config.attempts()
                      + " times, last: "
                      + e.getMessage(),
                  e);
        }
      }
    }
    if (last == null) {
      return; // every chunk was served, by this run or (for duplicates) before it
    }
    health.failed(last);
    ctx.metrics().fetchFailed();
    Map<Digest, CompletableFuture<byte[]>> mine = new LinkedHashMap<>();
    for (TocChunk c : run.chunks()) {
      CompletableFuture<byte[]> f = led.remove(c.chunkDigest());
      if (f != null) {
        mine.put(c.chunkDigest(), f);
      }
    }
    ctx.flights().failAll(mine, last);
  }

  /**
   * One streamed Range request for {@code run}: serves each led chunk as its member arrives and
   * removes it from {@code led}. A chunk that fails to decode or verify fails alone (retrying would
   * fetch the same bytes); a failing transfer throws, leaving the unserved chunks in {@code led}.
   */
  private void stream(
      FetchRun run, Map<Digest, CompletableFuture<byte[]>> led, FetchPriority priority)
      throws IOException {
    long start = System.nanoTime();
    try (InputStream in = blob.openRange(run.offset(), run.length())) {
      long pos = run.offset();
      // One buffer for the run's members, reused: the decoded chunk is a new array, so the member
      // is garbage once decoded (a 16 MiB run of 4 MiB chunks allocated 4 of them).
      byte[] buffer = null;
      byte[] member = null;
      int memberLength = 0;
      long memberOffset = -1;
      long memberEnd = -1;
      boolean arrived = false;
      boolean recorded = false;
      for (TocChunk c : run.chunks()) {
        if (!led.containsKey(c.chunkDigest())) {
          continue; // led by someone else, or a duplicate digest already served
        }
        if (c.compressedOffset() != memberOffset || c.compressedEnd() != memberEnd) {
          int length = Math.toIntExact(c.compressedLength());
          if (c.compressedOffset() >= pos) {
            in.skipNBytes(c.compressedOffset() - pos);
            if (buffer == null || buffer.length < length) {
              buffer = new byte[Math.max(length, largestMember(run, c))];
            }
            member = buffer;
            memberLength = length;
            if (in.readNBytes(member, 0, length) != length) {
              throw new EOFException(
                  "fetch " + c + " of layer " + layer + ": range ended inside the member");
            }
            pos = c.compressedEnd();
          } else {
            // A member overlapping the previous one without being it: not in valid layers, but
            // served correctly by its own read rather than by rewinding the stream.
            member = blob.read(c.compressedOffset(), length);
            memberLength = length;
          }
          memberOffset = c.compressedOffset();
          memberEnd = c.compressedEnd();
          if (!arrived) {
            // The registry delivers again: healthy before any waiter wakes up.
            health.succeeded();
            arrived = true;
          }
          if (memberEnd >= run.end()) {
            // All bytes are in: counted before the last waiter wakes up.
            recordFetched(run, priority, pos - run.offset(), start);
            recorded = true;
          }
        }
        CompletableFuture<byte[]> f = led.remove(c.chunkDigest());
        try {
          byte[] bytes = decode(member, memberLength, c);
          store(c, bytes);
          ctx.flights().complete(c.chunkDigest(), f, bytes);
        } catch (IOException | RuntimeException e) {
          health.failed(e);
          LOG.warning(() -> "layer " + layer + ": " + e.getMessage());
          ctx.flights().fail(c.chunkDigest(), f, e);
        }
      }
      if (!recorded) {
        recordFetched(run, priority, pos - run.offset(), start);
      }
    }
  }

  private void recordFetched(FetchRun run, FetchPriority priority, long bytes, long startNanos) {
    ctx.metrics().fetched(priority.label(), bytes, System.nanoTime() - startNanos);
    LOG.fine(() -> "layer " + layer + ": fetched " + run + " (" + priority.label() + ")");
  }

  /** The largest member of the chunks of {@code run} from {@code from} on. */
  private static int largestMember(FetchRun run, TocChunk from) {
    long largest = 0;
    for (TocChunk c : run.chunks()) {
      if (c.compressedOffset() >= from.compressedOffset()) {
        largest = Math.max(largest, c.compressedLength());
      }
    }
    return Math.toIntExact(largest);
  }

  private byte[] decode(byte[] member, int length, TocChunk c) throws IOException {
    byte[] bytes;
    try {
      bytes = codec.decompress(member, length, c);
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

  private static void sleep(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted between fetch attempts");
    }
  }
}
