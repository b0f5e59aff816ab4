package dev.thaw.snapshotter.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // the held lock is the point
class KeyLocksTest {

  @Test
  void lock_sameKeyConcurrently_runsOneAtATimeAndForgetsKey() throws Exception {
    KeyLocks locks = new KeyLocks();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(8);
    for (int i = 0; i < 8; i++) {
      Thread.ofVirtual()
          .start(() -> {
            for (int j = 0; j < 100; j++) {
              try (KeyLocks.Held held = locks.lock("k")) {
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                inside.decrementAndGet();
              }
            }
            done.countDown();
          });
    }
    assertTrue(done.await(5, TimeUnit.SECONDS));
    assertEquals(1, maxInside.get());
    assertEquals(0, locks.size());
  }

  @Test
  void lock_differentKeys_doNotBlock() throws Exception {
    KeyLocks locks = new KeyLocks();
    try (KeyLocks.Held a = locks.lock("a")) {
      CountDownLatch got = new CountDownLatch(1);
      Thread.ofVirtual()
          .start(() -> {
            try (KeyLocks.Held b = locks.lock("b")) {
              got.countDown();
            }
          });
      assertTrue(got.await(2, TimeUnit.SECONDS));
    }
  }
}
