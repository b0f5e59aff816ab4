package dev.thaw.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AccessTrackerTest {
  private final ConcurrentLinkedQueue<AccessedFile> seen = new ConcurrentLinkedQueue<>();

  private TocIndex index() throws Exception {
    return new TestTocs(new MemoryChunkSource())
        .dir("./usr/", 0755)
        .file("./usr/lib/a.so", 0644, "aaaa".getBytes(StandardCharsets.UTF_8))
        .file("usr/lib/b.py", 0644, TestTocs.pattern(1000, 2))
        .add(
            TocEntry.builder("usr/lib/b-link.py", TocEntryType.HARDLINK)
                .linkName("usr/lib/b.py")
                .modTime(TestTocs.MTIME)
                .build())
        .build();
  }

  private static TocNode node(TocIndex index, String path) {
    return index.lookup(path).orElseThrow();
  }

  @Test
  void forIndex_noneObserver_tracksNothing() throws Exception {
    assertNull(AccessTracker.forIndex(index(), AccessObserver.NONE));
  }

  @Test
  void opened_twice_observedOnceWithAbsoluteTocPath() throws Exception {
    TocIndex index = index();
    AccessTracker tracker = AccessTracker.forIndex(index, seen::add);
    tracker.opened(node(index, "usr/lib/a.so"));
    tracker.opened(node(index, "usr/lib/a.so"));
    assertEquals(List.of("/usr/lib/a.so"), seen.stream().map(AccessedFile::path).toList());
    assertEquals(4, seen.peek().size());
  }

  @Test
  void opened_hardlinkThenTarget_reportsTargetOnce() throws Exception {
    TocIndex index = index();
    AccessTracker tracker = AccessTracker.forIndex(index, seen::add);
    tracker.opened(node(index, "usr/lib/b-link.py"));
    tracker.opened(node(index, "usr/lib/b.py"));
    assertEquals(List.of("/usr/lib/b.py"), seen.stream().map(AccessedFile::path).toList());
  }

  @Test
  void read_concurrent_countsEveryByteOnTheFileOpened() throws Exception {
    TocIndex index = index();
    AccessTracker tracker = AccessTracker.forIndex(index, seen::add);
    TocNode b = node(index, "usr/lib/b.py");
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int t = 0; t < 4; t++) {
        pool.submit(() -> {
          go.await();
          for (int i = 0; i < 1000; i++) {
            tracker.opened(b);
            tracker.read(b.inode(), 10);
          }
          return null;
        });
      }
      go.countDown();
      pool.shutdown();
      assertEquals(true, pool.awaitTermination(10, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, seen.size());
    assertEquals(40_000, seen.peek().bytesRead());
  }

  @Test
  void opened_generationChanged_reportedAgainOncePerGeneration() throws Exception {
    TocIndex index = index();
    java.util.concurrent.atomic.AtomicInteger generation =
        new java.util.concurrent.atomic.AtomicInteger();
    AccessTracker tracker =
        AccessTracker.forIndex(
            index,
            new AccessObserver() {
              @Override
              public void opened(AccessedFile file) {
                seen.add(file);
              }

              @Override
              public int generation() {
                return generation.get();
              }
            });
    TocNode a = node(index, "usr/lib/a.so");
    tracker.opened(a);
    tracker.opened(a);
    generation.incrementAndGet();
    tracker.opened(a);
    tracker.opened(a);
    assertEquals(2, seen.size());
    AccessedFile first = seen.poll();
    assertEquals(first, seen.poll(), "one AccessedFile per file, reported again");
  }

  @Test
  void opened_observerThrows_openStillCounted() throws Exception {
    TocIndex index = index();
    AccessTracker tracker =
        AccessTracker.forIndex(
            index,
            f -> {
              seen.add(f);
              throw new IllegalStateException("observer broke");
            });
    tracker.opened(node(index, "usr/lib/a.so"));
    tracker.opened(node(index, "usr/lib/a.so"));
    assertEquals(1, seen.size());
  }
}
