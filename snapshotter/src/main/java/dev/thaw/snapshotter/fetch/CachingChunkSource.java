package dev.thaw.snapshotter.fetch;

import dev.thaw.fuse.ChunkSource;
import dev.thaw.image.toc.TocChunk;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The {@link ChunkSource} of one lazily mounted layer: a chunk cache hit, or a wait on the chunk's
 * single fetch. A miss leads a fetch that coalesces the following missing chunks of the same file
 * into one Range request; it reaches into the next files in the blob only when the reader has just
 * entered the chunk right before this one (a walk through files in blob order, such as an import of
 * a package's modules), since otherwise the neighbours are files nobody opens (a shell that opens
 * three libraries among thousands fetched 4 MiB of their neighbours for each). A reader that moves
 * from one chunk of a file to the file's next chunk is treated as sequential and gets read-ahead of
 * the rest of that file: further runs fetched in parallel, so a large file streams at link speed.
 * Moving from one small file to its neighbour in the blob is not sequential: read-ahead there would
 * fetch files nobody opens (a prefetched region read in blob order, a tree walk that reads one file
 * in a hundred).
 *
 * <p>Thread-safe; reads block until their chunk is verified and available.
 */
public final class CachingChunkSource implements ChunkSource {
  /** How many recently entered chunk positions are remembered to detect sequential readers. */
  private static final int RECENT = 32;

  private final LayerChunks chunks;
  private final LayerFetcher fetcher;
  private final FetchContext ctx;
  private final long mountedAtNanos = System.nanoTime();
  private final AtomicBoolean firstRead = new AtomicBoolean();
  private final AtomicIntegerArray recent = new AtomicIntegerArray(RECENT);
  private final AtomicInteger recentNext = new AtomicInteger();
  private final MissSteps missSteps = new MissSteps();

  /** A source over {@code chunks}, fetched through {@code fetcher}. */
  public CachingChunkSource(LayerChunks chunks, LayerFetcher fetcher) {
    this.chunks = chunks;
    this.fetcher = fetcher;
    this.ctx = fetcher.context();
    for (int i = 0; i < RECENT; i++) {
      recent.set(i, -2);
    }
  }

  @Override
  public void read(TocChunk chunk, long offsetInChunk, ByteBuffer dst) throws IOException {
    ChunkSource.checkRange(chunk, offsetInChunk, dst);
    if (firstRead.compareAndSet(false, true)) {
      ctx.metrics().firstRead(System.nanoTime() - mountedAtNanos);
    }
    if (!dst.hasRemaining()) {
      return;
    }
    OptionalInt position = chunks.positionOf(chunk);
    // Decided before waiting: the kernel sends the next chunk's reads while this one is fetched.
    // (enteredSequentially first: it records every chunk entered, a file's first one too.)
    boolean afterPrevious = position.isPresent() && enteredSequentially(position.getAsInt());
    boolean sequential = afterPrevious && continuesFile(position.getAsInt());
    if (ctx.cache().read(chunk.chunkDigest(), offsetInChunk, dst)) {
      ctx.metrics().cacheHit();
      if (sequential) {
        readAhead(position.getAsInt());
      }
      return;
    }
    ctx.metrics().cacheMiss();
    SingleFlight.Flight<byte[]> flight = ctx.flights().join(chunk.chunkDigest());
    if (flight.leader()) {
      try {
        lead(chunk, position, afterPrevious && !sequential, flight.future());
      } catch (Throwable e) {
        // An Error too (out of memory): readers joined to this flight must not wait forever.
        ctx.flights().fail(chunk.chunkDigest(), flight.future(), e);
        throw e;
      }
    }
    if (sequential) {
      readAhead(position.getAsInt());
    }
    byte[] bytes = join(flight.future(), chunk);
    dst.put(bytes, (int) offsetInChunk, dst.remaining());
  }

  /**
   * Fetches the missed chunk, with the missing chunks after it up to the on-demand run size: of its
   * own file only, unless the reader scans the blob, where the next files are likely read too:
   * {@code walksFiles} (it entered the previous file's last chunk right before this file's first),
   * or this miss and the one before it each lay a short step (a quarter of the run size) past the
   * end of the previous on-demand run (a tree walk reading one file in a hundred). One short step
   * is not enough: a shell loading a few libraries met one by chance and fetched 4 MiB for it.
   */
  private void lead(
      TocChunk chunk, OptionalInt position, boolean walksFiles, CompletableFuture<byte[]> flight)
      throws IOException {
    // The chunk may have been cached between our miss and taking the lead.
    var cached = ctx.cache().get(chunk.chunkDigest());
    if (cached.isPresent()) {
      ctx.flights().complete(chunk.chunkDigest(), flight, cached.get());
    } else if (position.isPresent()) {
      int p = position.getAsInt();
      List<TocChunk> order = chunks.blobOrder();
      long runBytes = ctx.config().onDemandRunBytes();
      long offset = order.get(p).compressedOffset();
      boolean scans = missSteps.walks(offset, runBytes) || walksFiles;
      int end = scans ? order.size() : fileRunEnd(p);
      missSteps.ranTo(
          scans
              ? offset + runBytes
              : Math.min(offset + runBytes, order.get(end - 1).compressedEnd()));
      fetcher.fetchLed(order.subList(0, end), p, flight, runBytes, FetchPriority.ON_DEMAND);
    } else {
      fetcher.fetchLed(
          List.of(chunk), 0, flight, chunk.compressedLength(), FetchPriority.ON_DEMAND);
    }
  }

  private byte[] join(CompletableFuture<byte[]> future, TocChunk chunk) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for " + chunk);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(
          "fetch " + chunk + " of layer " + fetcher.layer() + ": " + cause, cause);
    }
  }

  /**
   * The blob-order position just past the chunks that an on-demand run from {@code p} may take
   * without reaching into another file: the following chunks of p's file, and chunks that share the
   * last one's gzip member or zstd frame (small files packed into one member cost no extra bytes).
   * The run size still bounds the run.
   */
  private int fileRunEnd(int p) {
    List<TocChunk> order = chunks.blobOrder();
    long limit = order.get(p).compressedOffset() + ctx.config().onDemandRunBytes();
    int end = p + 1;
    while (end < order.size()
        && order.get(end).compressedOffset() < limit
        && (continuesFile(end) || sameMember(order.get(end - 1), order.get(end)))) {
      end++;
    }
    return end;
  }

  private static boolean sameMember(TocChunk a, TocChunk b) {
    return a.compressedOffset() == b.compressedOffset() && a.compressedEnd() == b.compressedEnd();
  }

  /**
   * Whether chunk {@code p} continues the file of chunk {@code p - 1} in blob order: it starts
   * where that one ends, past the file's first byte (eStargz and zstd:chunked keep a file's chunks
   * together and in order).
   */
  private boolean continuesFile(int p) {
    if (p == 0) {
      return false;
    }
    List<TocChunk> order = chunks.blobOrder();
    TocChunk c = order.get(p);
    return c.fileOffset() > 0 && order.get(p - 1).fileEnd() == c.fileOffset();
  }

  /**
   * On entering chunk {@code p} right after chunk {@code p - 1} of the same file, fetches ahead:
   * every missing chunk of that file starting within {@code readAheadBytes} of blob beyond {@code
   * p}, as parallel on-demand runs of up to {@code readAheadRunBytes} each (which may reach past
   * the window, never past the file). As the reader moves on, a new run starts only when the window
   * reaches a chunk no run covers, so runs stay large.
   */
  private void readAhead(int p) {
    long window = ctx.config().readAheadBytes();
    if (window <= 0) {
      return;
    }
    List<TocChunk> order = chunks.blobOrder();
    long limit = order.get(p).compressedEnd() + window;
    int fileEnd = p + 1;
    while (fileEnd < order.size()
        && order.get(fileEnd).compressedOffset() < limit + ctx.config().readAheadRunBytes()
        && continuesFile(fileEnd)) {
      fileEnd++;
    }
    // Runs coalesce within this file only: the chunks after it belong to other files.
    List<TocChunk> file = order.subList(0, fileEnd);
    int q = p + 1;
    while (q < fileEnd && order.get(q).compressedOffset() < limit) {
      TocChunk c = order.get(q);
      if (ctx.cache().contains(c.chunkDigest())) {
        q++;
        continue;
      }
      var led = ctx.flights().lead(c.chunkDigest());
      if (led.isEmpty()) {
        q++;
        continue;
      }
      long runBytes = ctx.config().readAheadRunBytes();
      fetcher.fetchLed(file, q, led.get(), runBytes, FetchPriority.ON_DEMAND);
      // Skip what that run covers; its chunks are now in flight and would be skipped anyway.
      long runEnd = c.compressedOffset() + runBytes;
      q++;
      while (q < fileEnd
          && order.get(q).compressedOffset() < runEnd
          && ctx.flights().current(order.get(q).chunkDigest()).isPresent()) {
        q++;
      }
    }
  }

  /** Records entering {@code p}; true if {@code p - 1} was entered recently and p is new. */
  private boolean enteredSequentially(int p) {
    boolean previous = false;
    for (int i = 0; i < RECENT; i++) {
      int r = recent.get(i);
      if (r == p) {
        return false; // still in the same chunk: read-ahead already issued for it
      }
      previous |= r == p - 1;
    }
    recent.set(Math.floorMod(recentNext.getAndIncrement(), RECENT), p);
    return previous;
  }
}
