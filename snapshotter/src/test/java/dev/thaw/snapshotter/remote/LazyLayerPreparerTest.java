package dev.thaw.snapshotter.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.registry.RegistryClient;
import dev.thaw.snapshotter.cache.MemoryChunkCache;
import dev.thaw.snapshotter.fetch.FetchConfig;
import dev.thaw.snapshotter.fetch.FetchContext;
import dev.thaw.snapshotter.fetch.FetchScheduler;
import dev.thaw.snapshotter.fetch.RateLimiter;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import dev.thaw.snapshotter.snapshots.RemoteLayerRequest;
import dev.thaw.snapshotter.snapshots.RemotePrepareOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LazyLayerPreparerTest {
  private static final String LAYER =
      "sha256:1111111111111111111111111111111111111111111111111111111111111111";
  private static final String TOC =
      "sha256:2222222222222222222222222222222222222222222222222222222222222222";

  @TempDir Path dir;

  @Test
  void coordinates_allLabels_parsesThem() {
    var c =
        LazyLayerPreparer.coordinates(
            Map.of(
                RemoteLabels.IMAGE_REF, "127.0.0.1:5001/app:1",
                RemoteLabels.LAYER_DIGEST, LAYER,
                RemoteLabels.TOC_DIGEST, TOC));
    assertEquals("127.0.0.1:5001", c.image().registry());
    assertEquals(LAYER, c.layer().toString());
    assertEquals(TOC, c.tocDigest().orElseThrow().toString());
  }

  @Test
  void coordinates_noTocLabel_namesTheLabel() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LazyLayerPreparer.coordinates(
                    Map.of(
                        RemoteLabels.IMAGE_REF,
                        "127.0.0.1:5001/app:1",
                        RemoteLabels.LAYER_DIGEST,
                        LAYER)));
    assertTrue(e.getMessage().contains("no TOC digest label"), e.getMessage());
  }

  @Test
  void prepare_missingLabels_fallsBackAndCountsIt() throws Exception {
    SnapshotterMetrics metrics = SnapshotterMetrics.inNewRegistry();
    try (FetchScheduler scheduler = new FetchScheduler(1, false, RateLimiter.unlimited());
        LazyLayerPreparer preparer =
            new LazyLayerPreparer(
                RegistryClient.builder().build(),
                (blob, layer, toc) -> {
                  throw new AssertionError("not reached");
                },
                (name, index, source, mountpoint, observer) -> {
                  throw new AssertionError("not reached");
                },
                FetchContext.of(
                    new MemoryChunkCache(1 << 20), scheduler, metrics, FetchConfig.defaults()),
                Duration.ofSeconds(1))) {
      RemotePrepareOutcome outcome =
          preparer.prepare(
              new RemoteLayerRequest(
                  "default/1/key",
                  "sha256:chain",
                  "",
                  Map.of(RemoteLabels.LAYER_DIGEST, LAYER),
                  dir));
      var fallback = assertInstanceOf(RemotePrepareOutcome.Fallback.class, outcome);
      assertTrue(fallback.reason().contains(RemoteLabels.IMAGE_REF), fallback.reason());
      assertEquals(1, metrics.remotePrepares("fell-back"));
      assertTrue(preparer.unhealthyReason(dir).isPresent());
    }
  }

  @Test
  void prepare_registryUnreachable_fallsBack() throws Exception {
    SnapshotterMetrics metrics = SnapshotterMetrics.inNewRegistry();
    try (FetchScheduler scheduler = new FetchScheduler(1, false, RateLimiter.unlimited());
        LazyLayerPreparer preparer =
            new LazyLayerPreparer(
                RegistryClient.builder().insecureRegistry("127.0.0.1:1").build(),
                (blob, layer, toc) -> {
                  throw new AssertionError("not reached");
                },
                (name, index, source, mountpoint, observer) -> {
                  throw new AssertionError("not reached");
                },
                FetchContext.of(
                    new MemoryChunkCache(1 << 20), scheduler, metrics, FetchConfig.defaults()),
                Duration.ofSeconds(1))) {
      RemotePrepareOutcome outcome =
          preparer.prepare(
              new RemoteLayerRequest(
                  "default/1/key",
                  "sha256:chain",
                  "",
                  Map.of(
                      RemoteLabels.IMAGE_REF, "127.0.0.1:1/app:1",
                      RemoteLabels.LAYER_DIGEST, LAYER,
                      RemoteLabels.TOC_DIGEST, TOC),
                  dir));
      assertInstanceOf(RemotePrepareOutcome.Fallback.class, outcome);
    }
  }
}
