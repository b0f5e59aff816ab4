package dev.thaw.snapshotter.fetch;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One unit of work submitted to a {@link FetchScheduler}: runs at most once, on a scheduler worker;
 * its {@link #future()} completes with the work's result or failure.
 *
 * <p>Thread-safe.
 *
 * @param <T> the result type
 */
public final class FetchTask<T> {
  private final Callable<T> work;
  private final long costBytes;
  private final CompletableFuture<T> future = new CompletableFuture<>();
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final AtomicReference<FetchPriority> priority;
  private final FetchScheduler scheduler;

  FetchTask(FetchScheduler scheduler, FetchPriority priority, long costBytes, Callable<T> work) {
    this.scheduler = scheduler;
    this.priority = new AtomicReference<>(priority);
    this.costBytes = costBytes;
    this.work = work;
  }

  /** Completes when the work has run; cancelling it does not interrupt running work. */
  public CompletableFuture<T> future() {
    return future;
  }

  /** The priority the task is (or was) queued at; only ever raised. */
  public FetchPriority priority() {
    return priority.get();
  }

  long costBytes() {
    return costBytes;
  }

  /**
   * Raises the task to {@code wanted} if that is more urgent than its current priority and it has
   * not started yet; for example an on-demand read joining a queued background fetch.
   */
  public void promote(FetchPriority wanted) {
    while (true) {
      FetchPriority current = priority.get();
      if (wanted.compareTo(current) >= 0 || claimed.get()) {
        return;
      }
      if (priority.compareAndSet(current, wanted)) {
        scheduler.requeue(this, wanted);
        return;
      }
    }
  }

  /** Claims the right to run; only the first caller gets it. */
  boolean claim() {
    return !future.isDone() && claimed.compareAndSet(false, true);
  }

  void run() {
    try {
      future.complete(work.call());
    } catch (Throwable t) {
      future.completeExceptionally(t);
    }
  }
}
