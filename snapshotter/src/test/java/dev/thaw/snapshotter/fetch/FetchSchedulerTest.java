package dev.thaw.snapshotter.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FetchSchedulerTest {

  @Test
  void submit_whileWorkerBusy_runsQueuedTasksByPriority() throws Exception {
    try (FetchScheduler s = new FetchScheduler(1, true, RateLimiter.unlimited())) {
      CountDownLatch release = new CountDownLatch(1);
      FetchTask<Void> blocker =
          s.submit(
              FetchPriority.ON_DEMAND,
              0,
              () -> {
                release.await();
                return null;
              });
      Thread.sleep(50); // let the single worker pick up the blocker
      List<String> order = new CopyOnWriteArrayList<>();
      FetchTask<?> bg = s.submit(FetchPriority.BACKGROUND, 0, () -> order.add("background"));
      FetchTask<?> pre = s.submit(FetchPriority.PREFETCH, 0, () -> order.add("prefetch"));
      FetchTask<?> od = s.submit(FetchPriority.ON_DEMAND, 0, () -> order.add("on-demand"));
      Thread.sleep(50); // let the background gate queue its task
      release.countDown();
      blocker.future().get();
      bg.future().get();
      pre.future().get();
      od.future().get();
      assertEquals(List.of("on-demand", "prefetch", "background"), order);
    }
  }

  @Test
  void promote_queuedBackgroundTask_runsBeforePrefetch() throws Exception {
    try (FetchScheduler s = new FetchScheduler(1, true, RateLimiter.unlimited())) {
      CountDownLatch release = new CountDownLatch(1);
      s.submit(
          FetchPriority.ON_DEMAND,
          0,
          () -> {
            release.await();
            return null;
          });
      Thread.sleep(50);
      List<String> order = new CopyOnWriteArrayList<>();
      FetchTask<?> pre = s.submit(FetchPriority.PREFETCH, 0, () -> order.add("prefetch"));
      FetchTask<?> bg = s.submit(FetchPriority.BACKGROUND, 0, () -> order.add("promoted"));
      bg.promote(FetchPriority.ON_DEMAND);
      assertEquals(FetchPriority.ON_DEMAND, bg.priority());
      release.countDown();
      pre.future().get();
      bg.future().get();
      assertEquals(List.of("promoted", "prefetch"), order);
    }
  }

  @Test
  void submit_manyTasks_runsEachExactlyOnceWithinWorkerBound() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    try (FetchScheduler s = new FetchScheduler(3, true, RateLimiter.unlimited())) {
      List<FetchTask<Integer>> tasks = new java.util.ArrayList<>();
      for (int i = 0; i < 60; i++) {
        FetchPriority p = FetchPriority.values()[i % 3];
        FetchTask<Integer> t =
            s.submit(
                p,
                0,
                () -> {
                  int now = running.incrementAndGet();
                  maxRunning.accumulateAndGet(now, Math::max);
                  Thread.sleep(2);
                  running.decrementAndGet();
                  return runs.incrementAndGet();
                });
        if (i % 5 == 0) {
          t.promote(FetchPriority.ON_DEMAND);
        }
        tasks.add(t);
      }
      for (FetchTask<Integer> t : tasks) {
        t.future().get();
      }
    }
    assertEquals(60, runs.get());
    assertTrue(maxRunning.get() <= 3, "max running " + maxRunning.get());
  }

  @Test
  void submit_workersBusyWithPrefetch_leaveAWorkerForOnDemand() throws Exception {
    try (FetchScheduler s = new FetchScheduler(4, true, RateLimiter.unlimited())) {
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger prefetchRunning = new AtomicInteger();
      AtomicInteger maxPrefetchRunning = new AtomicInteger();
      List<FetchTask<Object>> prefetch = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        prefetch.add(
            s.submit(
                FetchPriority.PREFETCH,
                0,
                () -> {
                  maxPrefetchRunning.accumulateAndGet(prefetchRunning.incrementAndGet(), Math::max);
                  release.await();
                  prefetchRunning.decrementAndGet();
                  return null;
                }));
      }
      Thread.sleep(100); // the gate admits what it may; the workers take it
      // Every prefetch task is blocked, yet an on-demand read gets a worker at once.
      FetchTask<String> od = s.submit(FetchPriority.ON_DEMAND, 0, () -> "read");
      assertEquals("read", od.future().get(5, TimeUnit.SECONDS));
      release.countDown();
      for (FetchTask<Object> t : prefetch) {
        t.future().get();
      }
      assertEquals(4 - FetchScheduler.onDemandReserve(4), maxPrefetchRunning.get());
    }
  }

  @Test
  void onDemandReserve_byWorkers_leavesPrefetchAtLeastOneWorker() {
    assertEquals(0, FetchScheduler.onDemandReserve(1));
    assertEquals(1, FetchScheduler.onDemandReserve(2));
    assertEquals(1, FetchScheduler.onDemandReserve(4));
    assertEquals(2, FetchScheduler.onDemandReserve(8));
  }

  @Test
  void submit_failingWork_completesFutureExceptionally() {
    try (FetchScheduler s = new FetchScheduler(1, true, RateLimiter.unlimited())) {
      FetchTask<Object> t =
          s.submit(
              FetchPriority.ON_DEMAND,
              0,
              () -> {
                throw new java.io.IOException("range failed");
              });
      CompletionException e = assertThrows(CompletionException.class, () -> t.future().join());
      assertEquals("range failed", e.getCause().getMessage());
    }
  }

  @Test
  void submit_backgroundDisabled_isRejected() {
    try (FetchScheduler s = new FetchScheduler(1, false, RateLimiter.unlimited())) {
      assertThrows(
          RejectedExecutionException.class,
          () -> s.submit(FetchPriority.BACKGROUND, 0, () -> null));
    }
  }

  @Test
  void submit_backgroundRateLimited_isPaced() throws Exception {
    // 1 MB/s with a one-second burst: 3 MB of background work waits 1.5 s
    // (the last acquisition's debt is paid by the next caller).
    try (FetchScheduler s = new FetchScheduler(2, true, new RateLimiter(1_000_000))) {
      long start = System.nanoTime();
      List<FetchTask<Object>> tasks = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        tasks.add(s.submit(FetchPriority.BACKGROUND, 500_000, () -> null));
      }
      for (FetchTask<Object> t : tasks) {
        t.future().get();
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis >= 1400, "took " + millis + " ms");
    }
  }

  @Test
  void close_withQueuedTasks_cancelsThem() throws Exception {
    FetchScheduler s = new FetchScheduler(1, true, RateLimiter.unlimited());
    CountDownLatch release = new CountDownLatch(1);
    s.submit(
        FetchPriority.ON_DEMAND,
        0,
        () -> {
          release.await();
          return null;
        });
    Thread.sleep(50);
    FetchTask<Object> queued = s.submit(FetchPriority.PREFETCH, 0, () -> null);
    s.close();
    release.countDown();
    assertThrows(java.util.concurrent.CancellationException.class, () -> queued.future().join());
    assertThrows(
        RejectedExecutionException.class, () -> s.submit(FetchPriority.ON_DEMAND, 0, () -> null));
  }
}
