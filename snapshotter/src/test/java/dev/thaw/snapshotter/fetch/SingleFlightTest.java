package dev.thaw.snapshotter.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SingleFlightTest {

  @Test
  void join_whileInFlight_sharesLeadersFuture() {
    SingleFlight<String, Integer> sf = new SingleFlight<>();
    SingleFlight.Flight<Integer> leader = sf.join("k");
    SingleFlight.Flight<Integer> follower = sf.join("k");
    assertTrue(leader.leader());
    assertFalse(follower.leader());
    assertSame(leader.future(), follower.future());
    sf.complete("k", leader.future(), 7);
    assertEquals(7, follower.future().join());
    assertEquals(0, sf.size());
  }

  @Test
  void join_afterFailure_startsFreshFlight() {
    SingleFlight<String, Integer> sf = new SingleFlight<>();
    SingleFlight.Flight<Integer> first = sf.join("k");
    sf.fail("k", first.future(), new java.io.IOException("boom"));
    assertTrue(first.future().isCompletedExceptionally());
    SingleFlight.Flight<Integer> second = sf.join("k");
    assertTrue(second.leader());
  }

  @Test
  void lead_whileInFlight_isEmpty() {
    SingleFlight<String, Integer> sf = new SingleFlight<>();
    CompletableFuture<Integer> f = sf.lead("k").orElseThrow();
    assertTrue(sf.lead("k").isEmpty());
    assertSame(f, sf.current("k").orElseThrow());
  }

  @Test
  void join_manyThreads_exactlyOneLeader() throws Exception {
    SingleFlight<String, Integer> sf = new SingleFlight<>();
    java.util.concurrent.atomic.AtomicInteger leaders =
        new java.util.concurrent.atomic.AtomicInteger();
    Thread[] threads = new Thread[16];
    for (int i = 0; i < threads.length; i++) {
      threads[i] =
          Thread.ofVirtual()
              .start(() -> {
                if (sf.join("k").leader()) {
                  leaders.incrementAndGet();
                }
              });
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(1, leaders.get());
  }
}
