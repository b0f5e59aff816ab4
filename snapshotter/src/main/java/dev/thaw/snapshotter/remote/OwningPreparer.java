package dev.thaw.snapshotter.remote;

import dev.thaw.snapshotter.cache.ChunkCache;
import dev.thaw.snapshotter.fetch.FetchScheduler;
import dev.thaw.snapshotter.metrics.MetricsServer;
import dev.thaw.snapshotter.profile.ProfileRecorder;
import dev.thaw.snapshotter.snapshots.RemoteLayerPreparer;
import dev.thaw.snapshotter.snapshots.RemoteLayerRequest;
import dev.thaw.snapshotter.snapshots.RemotePrepareOutcome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A preparer that also owns the scheduler and cache it fetches through, closing them after it.
 * Thread-safe (delegates).
 */
final class OwningPreparer implements RemoteLayerPreparer {
  private final RemoteLayerPreparer delegate;
  private final FetchScheduler scheduler;
  private final ChunkCache cache;
  private final MetricsServer metricsServer;
  private final Optional<ProfileRecorder> profiles;

  /** {@code metricsServer} may be null (metrics not served). */
  OwningPreparer(
      RemoteLayerPreparer delegate,
      FetchScheduler scheduler,
      ChunkCache cache,
      MetricsServer metricsServer,
      Optional<ProfileRecorder> profiles) {
    this.delegate = delegate;
    this.scheduler = scheduler;
    this.cache = cache;
    this.metricsServer = metricsServer;
    this.profiles = profiles;
  }

  @Override
  public RemotePrepareOutcome prepare(RemoteLayerRequest request) throws InterruptedException {
    return delegate.prepare(request);
  }

  @Override
  public void restore(RemoteLayerRequest request) throws IOException {
    delegate.restore(request);
  }

  @Override
  public void warmUp(Path scratch) throws IOException, InterruptedException {
    delegate.warmUp(scratch);
  }

  @Override
  public Optional<String> unhealthyReason(Path mountpoint) {
    return delegate.unhealthyReason(mountpoint);
  }

  @Override
  public void release(Path mountpoint) throws IOException {
    delegate.release(mountpoint);
  }

  @Override
  public void close() throws IOException {
    try {
      delegate.close();
    } finally {
      try {
        scheduler.close();
        cache.close();
        if (metricsServer != null) {
          metricsServer.close();
        }
      } finally {
        // after the layers are unmounted: the final flush holds every access
        if (profiles.isPresent()) {
          profiles.get().close();
        }
      }
    }
  }
}
