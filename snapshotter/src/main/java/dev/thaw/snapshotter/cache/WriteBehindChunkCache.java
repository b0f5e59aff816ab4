package dev.thaw.snapshotter.cache;

import dev.thaw.image.oci.Digest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link ChunkCache} in front of a slower one (the disk cache): the chunks stored most recently
 * stay in a small byte-bounded memory tier, and {@link #put} hands the chunk to one writer thread
 * that stores it in the backing cache, so the fetch that verified the chunk never waits for the
 * disk. Until the writer is done the chunk is served from memory.
 *
 * <p>Why: a sequential reader reads each 4 MiB chunk in 128 KiB FUSE requests right after it was
 * fetched; served from the backing disk cache, each request opened, read, stat-ed and closed the
 * chunk's file again, and the fetch path first wrote the whole chunk to disk before anyone could
 * read it.
 *
 * <p>A chunk only in the backing cache enters the recent tier when a large read starts at its first
 * byte (a sequential reader entering it, e.g. a container started again on a warm node).
 *
 * <p>Memory: at most {@code memoryBytes} in the recent tier plus at most {@code maxPendingBytes}
 * waiting for the writer (mostly the same arrays). A {@link #put} that would exceed the pending
 * bound waits for the writer: the fetch path slows down to the disk's speed instead of growing the
 * heap.
 *
 * <p>Only verified chunks are ever {@link #put} (the {@link ChunkCache} precondition), and a chunk
 * reaches the backing cache unchanged: callers must not modify an array after handing it over. A
 * failed backing write is logged once and the chunk stays readable only while it is in the recent
 * tier.
 *
 * <p>Thread-safe. {@link #close()} finishes every pending write, then closes the backing cache.
 */
public final class WriteBehindChunkCache implements ChunkCache {
  private static final Logger LOG = Logger.getLogger(WriteBehindChunkCache.class.getName());

  /**
   * The daemon's recent tier: 8 chunks of 4 MiB, enough for the few chunks each sequential reader
   * works through right behind its fetches.
   */
  public static final long DEFAULT_MEMORY_BYTES = 32L << 20;

  /** The daemon's bound on chunks waiting for the disk. */
  public static final long DEFAULT_PENDING_BYTES = 32L << 20;

  /**
   * A read at least this large at offset 0 of a chunk only in the backing cache brings the whole
   * chunk into the recent tier; smaller reads (random 4 KiB reads, say) read just their bytes.
   */
  static final int PROMOTE_READ_BYTES = 64 * 1024;

  private final ChunkCache backing;
  private final MemoryChunkCache recent;
  private final ConcurrentHashMap<Digest, byte[]> pending = new ConcurrentHashMap<>();
  private final long maxPendingBytes;
  private final ExecutorService writer;
  private final Object budget = new Object();
  private long pendingBytes; // guarded by budget

  /** A write-behind cache over {@code backing} with the daemon's default bounds. */
  public static WriteBehindChunkCache over(ChunkCache backing) {
    return new WriteBehindChunkCache(backing, DEFAULT_MEMORY_BYTES, DEFAULT_PENDING_BYTES);
  }

  /**
   * A write-behind cache over {@code backing}, with its own writer thread.
   *
   * @param memoryBytes the bound on the recent tier; 0 keeps chunks in memory only until written
   * @param maxPendingBytes the bound on chunks waiting for the writer, at least one chunk's worth
   */
  public WriteBehindChunkCache(ChunkCache backing, long memoryBytes, long maxPendingBytes) {
    this(
        backing,
        memoryBytes,
        maxPendingBytes,
        Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "thaw-chunk-writer");
          t.setDaemon(true);
          return t;
        }));
  }

  /** As the public constructor, storing through {@code writer} (tests pass a controlled one). */
  WriteBehindChunkCache(
      ChunkCache backing, long memoryBytes, long maxPendingBytes, ExecutorService writer) {
    if (maxPendingBytes <= 0) {
      throw new IllegalArgumentException("write-behind bound " + maxPendingBytes + " <= 0");
    }
    this.backing = backing;
    this.recent = new MemoryChunkCache(memoryBytes);
    this.maxPendingBytes = maxPendingBytes;
    this.writer = writer;
  }

  @Override
  public boolean read(Digest digest, long offset, ByteBuffer dst) throws IOException {
    if (recent.read(digest, offset, dst)) {
      return true;
    }
    byte[] waiting = pending.get(digest);
    if (waiting != null) {
      ChunkCopies.copy(digest, waiting, offset, dst);
      return true;
    }
    if (offset == 0 && dst.remaining() >= PROMOTE_READ_BYTES && recent.capacityBytes() > 0) {
      // A large read at a chunk's start is a sequential reader entering it: the rest of the chunk
      // follows in more such reads, so it is read from the backing cache once, whole.
      Optional<byte[]> whole = backing.get(digest);
      if (whole.isEmpty()) {
        return false;
      }
      recent.put(digest, whole.get());
      ChunkCopies.copy(digest, whole.get(), offset, dst);
      return true;
    }
    return backing.read(digest, offset, dst);
  }

  @Override
  public Optional<byte[]> get(Digest digest) throws IOException {
    Optional<byte[]> hot = recent.get(digest);
    if (hot.isPresent()) {
      return hot;
    }
    byte[] waiting = pending.get(digest);
    return waiting != null ? Optional.of(waiting) : backing.get(digest);
  }

  @Override
  public boolean contains(Digest digest) {
    return recent.contains(digest) || pending.containsKey(digest) || backing.contains(digest);
  }

  /**
   * Keeps the chunk in the recent tier and queues its write to the backing cache; returns without
   * waiting for the write unless {@code maxPendingBytes} are already waiting.
   *
   * @throws InterruptedIOException if interrupted while waiting for the writer
   * @throws IOException if this cache is closed
   */
  @Override
  public void put(Digest digest, byte[] bytes) throws IOException {
    if (bytes.length > backing.capacityBytes()) {
      return;
    }
    recent.put(digest, bytes);
    if (backing.contains(digest) || pending.putIfAbsent(digest, bytes) != null) {
      return;
    }
    reserve(digest, bytes.length);
    try {
      writer.execute(() -> write(digest, bytes));
    } catch (RejectedExecutionException e) {
      done(digest, bytes.length);
      throw new IOException("store chunk " + digest + ": chunk cache is closed", e);
    }
  }

  private void reserve(Digest digest, long size) throws InterruptedIOException {
    synchronized (budget) {
      // A chunk larger than the whole bound still goes through alone rather than never.
      while (pendingBytes > 0 && pendingBytes + size > maxPendingBytes) {
        try {
          budget.wait();
        } catch (InterruptedException e) {
          pending.remove(digest);
          Thread.currentThread().interrupt();
          throw new InterruptedIOException(
              "store chunk " + digest + ": interrupted waiting for the chunk cache writer");
        }
      }
      pendingBytes += size;
    }
  }

  private void write(Digest digest, byte[] bytes) {
    try {
      backing.put(digest, bytes);
    } catch (IOException | RuntimeException e) {
      // The chunk was verified and served from memory; only later reads lose the cache.
      LOG.log(Level.WARNING, "chunk cache: write-behind of " + digest + ": " + e.getMessage(), e);
    } finally {
      done(digest, bytes.length);
    }
  }

  private void done(Digest digest, long size) {
    pending.remove(digest);
    synchronized (budget) {
      pendingBytes -= size;
      budget.notifyAll();
    }
  }

  /** Bytes of chunks held by the backing cache, plus those still waiting to be written to it. */
  @Override
  public long sizeBytes() {
    synchronized (budget) {
      return backing.sizeBytes() + pendingBytes;
    }
  }

  /** Chunks held by the backing cache, plus those still waiting to be written to it. */
  @Override
  public int chunkCount() {
    return backing.chunkCount() + pending.size();
  }

  /** The backing cache's bound; the memory tier and pending writes are bounded apart. */
  @Override
  public long capacityBytes() {
    return backing.capacityBytes();
  }

  /** Bytes of chunks waiting for the writer. */
  long pendingBytes() {
    synchronized (budget) {
      return pendingBytes;
    }
  }

  /** Finishes the pending writes (waiting up to a minute), then closes the backing cache. */
  @Override
  public void close() throws IOException {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(1, TimeUnit.MINUTES)) {
        LOG.warning("chunk cache: " + pending.size() + " chunk writes still pending at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("close chunk cache: interrupted waiting for its writer");
    } finally {
      backing.close();
    }
  }
}
