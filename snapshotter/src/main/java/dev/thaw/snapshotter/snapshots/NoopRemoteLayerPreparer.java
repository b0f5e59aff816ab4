package dev.thaw.snapshotter.snapshots;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Remote layers switched off: every prepare falls back, nothing is ever mounted. Immutable. */
public final class NoopRemoteLayerPreparer implements RemoteLayerPreparer {

  /** The fallback reason this preparer gives. */
  public static final String REASON = "remote layers disabled";

  @Override
  public RemotePrepareOutcome prepare(RemoteLayerRequest request) {
    return new RemotePrepareOutcome.Fallback(REASON);
  }

  @Override
  public void restore(RemoteLayerRequest request) throws IOException {
    throw new IOException(
        "restore remote snapshot " + request.key() + " at " + request.mountpoint() + ": " + REASON);
  }

  @Override
  public Optional<String> unhealthyReason(Path mountpoint) {
    return Optional.empty();
  }

  @Override
  public void release(Path mountpoint) {}

  @Override
  public void close() {}
}
