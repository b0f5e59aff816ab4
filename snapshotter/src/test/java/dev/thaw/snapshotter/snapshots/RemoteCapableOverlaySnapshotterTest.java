package dev.thaw.snapshotter.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.snapshotter.metadata.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The contract with a remote-capable preparer, plus the remote cases. The preparer "mounts" a layer
 * by writing a marker file into the mountpoint (no FUSE needed for the snapshot semantics).
 */
class RemoteCapableOverlaySnapshotterTest extends SnapshotterContractTest {

  /** Serves layers whose labels say {@code lazy=yes}; falls back for the rest. */
  static final class FakePreparer implements RemoteLayerPreparer {
    final Map<Path, String> mounted = new ConcurrentHashMap<>();
    final List<Path> restored = new ArrayList<>();
    final List<Path> released = new ArrayList<>();
    volatile String unhealthy;

    @Override
    public RemotePrepareOutcome prepare(RemoteLayerRequest request) {
      if (!"yes".equals(request.labels().get("lazy"))) {
        return new RemotePrepareOutcome.Fallback("not lazy");
      }
      try {
        Files.writeString(request.mountpoint().resolve("remote"), request.chainId());
      } catch (IOException e) {
        return new RemotePrepareOutcome.Fallback(e.toString());
      }
      mounted.put(request.mountpoint(), request.chainId());
      return new RemotePrepareOutcome.Mounted(request.mountpoint());
    }

    @Override
    public synchronized void restore(RemoteLayerRequest request) {
      restored.add(request.mountpoint());
      mounted.put(request.mountpoint(), request.chainId());
    }

    @Override
    public Optional<String> unhealthyReason(Path mountpoint) {
      return Optional.ofNullable(unhealthy);
    }

    @Override
    public synchronized void release(Path mountpoint) {
      released.add(mountpoint);
      mounted.remove(mountpoint);
    }

    @Override
    public void close() {}
  }

  FakePreparer preparer;

  @Override
  Snapshotter open(Path root) throws IOException {
    preparer = new FakePreparer();
    return OverlaySnapshotter.open(root, preparer, true, Clock.systemUTC());
  }

  @Test
  void prepare_remoteLayerMounted_commitsTargetAndThrowsExists() throws IOException {
    Map<String, String> labels =
        Map.of(Labels.TARGET_REF, "sha256:chain1", "lazy", "yes", "containerd.io/snapshot/x", "y");
    assertThrows(SnapshotExistsException.class, () -> snapshotter.prepare("extract-1", "", labels));
    SnapshotInfo info = snapshotter.stat("sha256:chain1");
    assertEquals(Kind.COMMITTED, info.kind());
    assertEquals(labels, info.labels());
    assertThrows(SnapshotNotFoundException.class, () -> snapshotter.stat("extract-1"));
    List<Mount> m = snapshotter.prepare("c", "sha256:chain1", Map.of());
    assertTrue(m.get(0).options().stream().anyMatch(o -> o.startsWith("lowerdir=")));
    String lower = m.get(0).options().get(m.get(0).options().size() - 1).substring(9);
    assertEquals("sha256:chain1", Files.readString(Path.of(lower, "remote")));
  }

  @Test
  void prepare_remoteFallback_returnsMountsAndLogsReason() throws IOException {
    List<String> logged = new ArrayList<>();
    Logger log = Logger.getLogger(OverlaySnapshotter.class.getName());
    Handler h =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    log.addHandler(h);
    try {
      List<Mount> m = snapshotter.prepare("extract-2", "", Map.of(Labels.TARGET_REF, "sha256:c2"));
      assertEquals("bind", m.get(0).type());
      assertEquals(Kind.ACTIVE, snapshotter.stat("extract-2").kind());
    } finally {
      log.removeHandler(h);
    }
    assertTrue(
        logged.stream()
            .anyMatch(s -> s.contains("remote-snapshot-prepared=false reason=\"not lazy\"")),
        logged.toString());
  }

  @Test
  void mounts_unhealthyRemoteLower_throwsUnavailable() throws IOException {
    Map<String, String> labels = Map.of(Labels.TARGET_REF, "sha256:c3", "lazy", "yes");
    assertThrows(SnapshotExistsException.class, () -> snapshotter.prepare("e", "", labels));
    snapshotter.prepare("c", "sha256:c3", Map.of());
    preparer.unhealthy = "registry unreachable";
    SnapshotUnavailableException e =
        assertThrows(SnapshotUnavailableException.class, () -> snapshotter.mounts("c"));
    assertTrue(e.getMessage().contains("registry unreachable"), e.getMessage());
  }

  @Test
  void restore_afterReopen_remountsRemoteSnapshots() throws IOException {
    Map<String, String> labels = Map.of(Labels.TARGET_REF, "sha256:c4", "lazy", "yes");
    assertThrows(SnapshotExistsException.class, () -> snapshotter.prepare("e", "", labels));
    snapshotter.close();
    snapshotter = open(root);
    ((OverlaySnapshotter) snapshotter).restoreRemoteSnapshots();
    assertEquals(1, preparer.restored.size());
    assertTrue(preparer.restored.get(0).endsWith("fs"));
  }

  @Test
  void remove_remoteSnapshot_releasesMount() throws IOException {
    Map<String, String> labels = Map.of(Labels.TARGET_REF, "sha256:c5", "lazy", "yes");
    assertThrows(SnapshotExistsException.class, () -> snapshotter.prepare("e", "", labels));
    snapshotter.remove("sha256:c5");
    assertEquals(1, preparer.released.size());
    assertTrue(preparer.mounted.isEmpty());
  }

  @Test
  void prepare_remoteTargetExists_releasesAndThrowsExists() throws IOException {
    layer("sha256:c6", "", "a");
    Map<String, String> labels = Map.of(Labels.TARGET_REF, "sha256:c6", "lazy", "yes");
    assertThrows(SnapshotExistsException.class, () -> snapshotter.prepare("e", "", labels));
    assertEquals(1, preparer.released.size());
  }
}
