package dev.thaw.snapshotter.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Digest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LayersAheadTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);

  /** A blob that only records whether it was closed. */
  static final class Blob implements BlobSource {
    final String name;
    volatile boolean closed;

    Blob(String name) {
      this.name = name;
    }

    @Override
    public long size() {
      return 0;
    }

    @Override
    public byte[] read(long offset, int length) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String describe() {
      return name;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static LayersAhead.Opened opened(Blob blob) {
    return new LayersAhead.Opened(blob, new OpenedLayer(null, Digest.sha256(new byte[0]), null));
  }

  @Test
  void claim_startedLayer_returnsItsOpenOnce_andOpensEachLayerOnce() throws Exception {
    Map<String, Blob> blobs = new ConcurrentHashMap<>();
    AtomicInteger opens = new AtomicInteger();
    try (LayersAhead ahead = new LayersAhead(1, Duration.ofMinutes(1))) {
      LayersAhead.Opener opener =
          l -> {
            opens.incrementAndGet();
            Blob b = new Blob(l);
            blobs.put(l, b);
            return opened(b);
          };
      ahead.start(List.of(A, B), opener);
      ahead.start(List.of(B), opener); // already pending: not opened again
      LayersAhead.Opened a = ahead.claim(A).orElseThrow();
      assertSame(blobs.get(A), a.blob());
      assertTrue(ahead.claim(A).isEmpty(), "claimed once");
      assertTrue(ahead.claim(C).isEmpty(), "never started");
      assertEquals(1, ahead.pendingCount());
      assertTrue(ahead.claim(B).isPresent());
      assertEquals(2, opens.get());
      assertFalse(blobs.get(A).closed, "the claimer owns the blob");
    }
  }

  @Test
  void claim_openFailed_isEmpty() throws Exception {
    try (LayersAhead ahead = new LayersAhead(1, Duration.ofMinutes(1))) {
      ahead.start(
          List.of(A),
          l -> {
            throw new IOException("registry down");
          });
      assertTrue(ahead.claim(A).isEmpty());
    }
  }

  @Test
  void start_unclaimedOpenPastTtl_isClosed_andCloseClosesTheRest() throws Exception {
    AtomicLong now = new AtomicLong();
    Blob a = new Blob(A);
    Blob b = new Blob(B);
    LayersAhead ahead =
        new LayersAhead(Executors.newSingleThreadExecutor(), Duration.ofSeconds(10), now::get);
    ahead.start(List.of(A), l -> opened(a));
    now.set(TimeUnit.SECONDS.toNanos(11));
    java.util.concurrent.CountDownLatch bOpened = new java.util.concurrent.CountDownLatch(1);
    ahead.start(
        List.of(B),
        l -> {
          bOpened.countDown();
          return opened(b);
        });
    assertEquals(1, ahead.pendingCount(), "A expired");
    for (int i = 0; i < 200 && !a.closed; i++) {
      Thread.sleep(10);
    }
    assertTrue(a.closed, "an expired open's blob is closed");
    // An open still queued at close never runs (nothing to close); this one has started.
    assertTrue(bOpened.await(10, TimeUnit.SECONDS));
    ahead.close();
    for (int i = 0; i < 200 && !b.closed; i++) {
      Thread.sleep(10);
    }
    assertTrue(b.closed, "close closes unclaimed opens");
    assertEquals(0, ahead.pendingCount());
  }

  @Test
  void followingLayers_criLabel_afterThisLayer_limited_elseStargzLabel_elseNone() {
    assertEquals(
        List.of(B, C),
        LazyLayerPreparer.followingLayers(
            Map.of(RemoteLabels.IMAGE_LAYERS, A + "," + B + "," + C), A, 2));
    assertEquals(
        List.of(B),
        LazyLayerPreparer.followingLayers(
            Map.of(RemoteLabels.IMAGE_LAYERS, A + ", " + B + "," + C), A, 1));
    assertEquals(
        List.of(C),
        LazyLayerPreparer.followingLayers(Map.of(RemoteLabels.STARGZ_LAYERS, B + "," + C), B, 2));
    assertEquals(List.of(), LazyLayerPreparer.followingLayers(Map.of(), A, 2));
  }
}
