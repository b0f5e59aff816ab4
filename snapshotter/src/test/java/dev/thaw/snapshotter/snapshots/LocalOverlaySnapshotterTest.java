package dev.thaw.snapshotter.snapshots;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

/** The contract with remote layers switched off (no-op preparer). */
class LocalOverlaySnapshotterTest extends SnapshotterContractTest {

  @Override
  Snapshotter open(Path root) throws IOException {
    return OverlaySnapshotter.open(root, new NoopRemoteLayerPreparer(), true, Clock.systemUTC());
  }
}
