package dev.thaw.snapshotter.fetch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The one place fetches run: a priority queue (on-demand before prefetch before background, FIFO
 * within a priority) feeding a fixed number of virtual-thread workers, so the number of requests in
 * flight is bounded however many readers wait.
 *
 * <p>Prefetch and background tasks pass through a gate of their priority first, which lets only so
 * many of them be queued or running at once: prefetch tasks leave {@code onDemandReserve(workers)}
 * workers free (a layer's prefetch is hundreds of 8 MiB runs; with every worker inside one, a read
 * the process blocks on would wait for a run to end before its own fetch could start), background
 * tasks take at most a quarter of the workers (so a layer streaming in never fills the queue ahead
 * of a later on-demand read) and are paced by a {@link RateLimiter} on their declared cost. Within
 * a gate tasks keep their submission order. With background fetching disabled, background
 * submissions are rejected.
 *
 * <p>Thread-safe. {@link #close()} stops the workers and cancels what has not started.
 */
public final class FetchScheduler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FetchScheduler.class.getName());

  /** A queue position of a task; a promoted task has several, the first claimed one runs it. */
  private record Entry(FetchPriority priority, long seq, FetchTask<?> task, Semaphore slot)
      implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = priority.compareTo(o.priority);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /**
   * Admits the tasks of one priority into the queue in submission order, each once it holds one of
   * {@code slots} (released when it has run) and, for background work, its bytes fit the rate.
   */
  private record Gate(
      FetchPriority priority,
      BlockingQueue<FetchTask<?>> waiting,
      Semaphore slots,
      RateLimiter rate) {}

  private final PriorityBlockingQueue<Entry> queue = new PriorityBlockingQueue<>();
  private final Gate prefetchGate;
  private final Gate backgroundGate;
  private final boolean backgroundEnabled;
  private final AtomicLong seq = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  /**
   * Starts {@code workers} worker threads (virtual) and the prefetch and background gates.
   *
   * @param workers the maximum number of tasks running at once, at least 1
   * @param backgroundEnabled whether background tasks are accepted
   * @param backgroundRate paces background tasks by their declared cost
   */
  public FetchScheduler(int workers, boolean backgroundEnabled, RateLimiter backgroundRate) {
    if (workers < 1) {
      throw new IllegalArgumentException("fetch scheduler needs at least 1 worker, got " + workers);
    }
    this.backgroundEnabled = backgroundEnabled;
    this.prefetchGate =
        new Gate(
            FetchPriority.PREFETCH,
            new LinkedBlockingQueue<>(),
            new Semaphore(Math.max(1, workers - onDemandReserve(workers))),
            RateLimiter.unlimited());
    this.backgroundGate =
        new Gate(
            FetchPriority.BACKGROUND,
            new LinkedBlockingQueue<>(),
            new Semaphore(Math.max(1, workers / 4)),
            Objects.requireNonNull(backgroundRate));
    for (int i = 0; i < workers; i++) {
      threads.add(Thread.ofVirtual().name("thaw-fetch-", i).start(this::work));
    }
    threads.add(
        Thread.ofVirtual().name("thaw-fetch-prefetch-gate").start(() -> admit(prefetchGate)));
    threads.add(
        Thread.ofVirtual().name("thaw-fetch-background-gate").start(() -> admit(backgroundGate)));
  }

  /**
   * How many of {@code workers} prefetch tasks leave to on-demand reads: a quarter, at least one
   * (none with a single worker: prefetch must still progress).
   */
  static int onDemandReserve(int workers) {
    return workers == 1 ? 0 : Math.max(1, workers / 4);
  }

  /** Whether background tasks are accepted. */
  public boolean backgroundEnabled() {
    return backgroundEnabled;
  }

  /**
   * Queues {@code work} at {@code priority}. Never blocks.
   *
   * @param costBytes the bytes the work will fetch, for background pacing
   * @throws RejectedExecutionException if closed, or for a background task when background fetching
   *     is disabled
   */
  public <T> FetchTask<T> submit(FetchPriority priority, long costBytes, Callable<T> work) {
    if (closed) {
      throw new RejectedExecutionException("fetch scheduler is closed");
    }
    FetchTask<T> task = new FetchTask<>(this, priority, costBytes, work);
    switch (priority) {
      case ON_DEMAND -> queue.add(new Entry(priority, seq.getAndIncrement(), task, null));
      case PREFETCH -> prefetchGate.waiting().add(task);
      case BACKGROUND -> {
        if (!backgroundEnabled) {
          throw new RejectedExecutionException("background fetching is disabled");
        }
        backgroundGate.waiting().add(task);
      }
    }
    return task;
  }

  void requeue(FetchTask<?> task, FetchPriority priority) {
    if (!closed) {
      queue.add(new Entry(priority, seq.getAndIncrement(), task, null));
    }
  }

  /** Tasks queued and not yet started (approximate; promoted tasks may count twice). */
  public int queued() {
    return queue.size() + prefetchGate.waiting().size() + backgroundGate.waiting().size();
  }

  private void admit(Gate gate) {
    try {
      while (!closed) {
        FetchTask<?> task = gate.waiting().take();
        if (task.priority() != gate.priority()) {
          continue; // promoted: already queued at its new priority
        }
        gate.slots().acquire();
        gate.rate().acquire(task.costBytes());
        queue.add(new Entry(gate.priority(), seq.getAndIncrement(), task, gate.slots()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void work() {
    try {
      while (!closed) {
        Entry entry = queue.take();
        try {
          if (entry.task().claim()) {
            entry.task().run();
          }
        } finally {
          if (entry.slot() != null) {
            entry.slot().release();
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Cancels queued tasks, interrupts the workers and waits up to 10 s for running tasks to end. */
  @Override
  public void close() {
    closed = true;
    threads.forEach(Thread::interrupt);
    List<Entry> left = new ArrayList<>();
    queue.drainTo(left);
    List<FetchTask<?>> leftBackground = new ArrayList<>();
    prefetchGate.waiting().drainTo(leftBackground);
    backgroundGate.waiting().drainTo(leftBackground);
    left.forEach(e -> leftBackground.add(e.task()));
    for (FetchTask<?> task : leftBackground) {
      if (task.claim()) {
        task.future().completeExceptionally(new CancellationException("fetch scheduler closed"));
      }
    }
    // Wait (bounded) for running tasks, so nothing writes to the cache after close returns.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    for (Thread t : threads) {
      long remaining = deadline - System.nanoTime();
      try {
        if (remaining <= 0 || !t.join(java.time.Duration.ofNanos(remaining))) {
          LOG.warning("fetch scheduler: " + t.getName() + " still running after close");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.fine(() -> "fetch scheduler closed, cancelled " + leftBackground.size() + " tasks");
  }
}
