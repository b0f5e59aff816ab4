package dev.thaw.snapshotter.snapshots;

import dev.thaw.snapshotter.metadata.Kind;
import dev.thaw.snapshotter.metadata.MetadataStore;
import dev.thaw.snapshotter.metadata.SnapshotRecord;
import dev.thaw.snapshotter.metadata.Transaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * containerd's overlayfs snapshotter semantics over a {@link MetadataStore}, with remote layers
 * through a {@link RemoteLayerPreparer}. Thread-safe: operations on one key run one at a time
 * ({@link KeyLocks}); every metadata change is one transaction; directories are built in a temp dir
 * and renamed into place inside that transaction, and deleted only after it committed.
 */
@SuppressWarnings("try") // per-key lock guards held only for their scope
public final class OverlaySnapshotter implements Snapshotter {

  private static final Logger LOG = Logger.getLogger(OverlaySnapshotter.class.getName());

  private final MetadataStore store;
  private final SnapshotDirectories dirs;
  private final OverlayMounts overlay;
  private final RemoteLayerPreparer remote;
  private final Clock clock;
  private final KeyLocks keyLocks = new KeyLocks();
  // Creates hold the read side so Cleanup (write side) never deletes a directory being built.
  private final ReadWriteLock cleanupLock = new ReentrantReadWriteLock();

  /**
   * Opens the snapshotter rooted at {@code root} (created 0700 if missing; metadata in {@code
   * root/metadata.db}). Call {@link #restoreRemoteSnapshots} before serving.
   *
   * @param indexOff whether to pass {@code index=off} to overlay (when the kernel supports the
   *     overlay index feature, as containerd does)
   */
  public static OverlaySnapshotter open(
      Path root, RemoteLayerPreparer remote, boolean indexOff, Clock clock) throws IOException {
    Files.createDirectories(root);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    SnapshotDirectories dirs = new SnapshotDirectories(root);
    MetadataStore store = MetadataStore.open(root.resolve("metadata.db"));
    return new OverlaySnapshotter(store, dirs, new OverlayMounts(dirs, indexOff), remote, clock);
  }

  private OverlaySnapshotter(
      MetadataStore store,
      SnapshotDirectories dirs,
      OverlayMounts overlay,
      RemoteLayerPreparer remote,
      Clock clock) {
    this.store = store;
    this.dirs = dirs;
    this.overlay = overlay;
    this.remote = remote;
    this.clock = clock;
  }

  /**
   * Clears stale mounts under the snapshot directories, then mounts every committed remote snapshot
   * again. A layer that cannot be restored is logged and stays listed (its health says why).
   */
  public void restoreRemoteSnapshots() throws IOException {
    StaleMounts.clear(dirs.snapshotsDir());
    List<SnapshotRecord> all = store.read(Transaction::all);
    for (SnapshotRecord r : all) {
      if (!r.remote()) {
        continue;
      }
      try {
        remote.restore(
            new RemoteLayerRequest(r.key(), r.key(), r.parent(), r.labels(), dirs.fs(r.id())));
        LOG.log(Level.INFO, "restored remote snapshot {0}", r.key());
      } catch (IOException e) {
        LOG.log(Level.WARNING, "restore remote snapshot " + r.key() + " failed", e);
      }
    }
  }

  @Override
  public List<Mount> prepare(String key, String parent, Map<String, String> labels)
      throws IOException {
    requireKey("prepare", key);
    Labels.validate("prepare snapshot " + key, labels);
    try (KeyLocks.Held held = keyLocks.lock(key)) {
      SnapshotRecord created = create(Kind.ACTIVE, key, parent, labels);
      String target = labels.get(Labels.TARGET_REF);
      if (target == null || target.isEmpty()) {
        return mountsOf(created);
      }
      return prepareRemote(created, target);
    }
  }

  private List<Mount> prepareRemote(SnapshotRecord created, String target) throws IOException {
    Path fs = dirs.fs(created.id());
    RemotePrepareOutcome outcome;
    try {
      outcome =
          remote.prepare(
              new RemoteLayerRequest(
                  created.key(), target, created.parent(), created.labels(), fs));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("prepare remote layer " + target + ": interrupted", e);
    }
    if (outcome instanceof RemotePrepareOutcome.Fallback fallback) {
      LOG.info(
          "remote-snapshot-prepared=false reason=\""
              + fallback.reason()
              + "\" key="
              + created.key()
              + " target="
              + target);
      return mountsOf(created);
    }
    try {
      commitLocked(target, created.key(), created.labels(), true);
    } catch (IOException e) {
      // e.g. the target was committed meanwhile: drop the half-made snapshot entirely
      remote.release(fs);
      removeLocked(created.key());
      throw e;
    }
    LOG.info("remote-snapshot-prepared=true key=" + created.key() + " target=" + target);
    throw new SnapshotExistsException("target snapshot " + target + ": already exists");
  }

  @Override
  public List<Mount> view(String key, String parent, Map<String, String> labels)
      throws IOException {
    requireKey("view", key);
    Labels.validate("view snapshot " + key, labels);
    try (KeyLocks.Held held = keyLocks.lock(key)) {
      return mountsOf(create(Kind.VIEW, key, parent, labels));
    }
  }

  private SnapshotRecord create(Kind kind, String key, String parent, Map<String, String> labels)
      throws IOException {
    cleanupLock.readLock().lock();
    try {
      Path tmp = dirs.createTemp(kind);
      try {
        return store.write(tx -> {
          if (tx.get(key).isPresent()) {
            throw new SnapshotExistsException("snapshot " + key + ": already exists");
          }
          if (!parent.isEmpty()) {
            SnapshotRecord p = committedParent(tx, parent);
            // containerd gives the new upper dir its parent's owner
            Path parentFs = dirs.fs(p.id());
            Files.setAttribute(
                tmp.resolve("fs"), "unix:uid", Files.getAttribute(parentFs, "unix:uid"));
            Files.setAttribute(
                tmp.resolve("fs"), "unix:gid", Files.getAttribute(parentFs, "unix:gid"));
          }
          SnapshotRecord r = tx.insert(key, parent, kind, clock.instant(), labels);
          dirs.publish(tmp, r.id());
          return r;
        });
      } finally {
        SnapshotDirectories.deleteTree(tmp);
      }
    } finally {
      cleanupLock.readLock().unlock();
    }
  }

  private static SnapshotRecord committedParent(Transaction tx, String parent) throws IOException {
    SnapshotRecord p =
        tx.get(parent)
            .orElseThrow(
                () -> new SnapshotNotFoundException("parent snapshot " + parent + ": not found"));
    if (p.kind() != Kind.COMMITTED) {
      throw new InvalidSnapshotArgumentException(
          "parent " + parent + " is not a committed snapshot");
    }
    return p;
  }

  @Override
  public List<Mount> mounts(String key) throws IOException {
    SnapshotRecord r = store.read(tx -> find(tx, key));
    return mountsOf(r);
  }

  private List<Mount> mountsOf(SnapshotRecord r) throws IOException {
    if (r.kind() == Kind.COMMITTED) {
      throw new SnapshotPreconditionException(
          "mounts of snapshot " + r.key() + ": not an active snapshot or view");
    }
    List<SnapshotRecord> chain = parentChain(r);
    List<Long> ids = new ArrayList<>();
    for (SnapshotRecord p : chain) {
      if (p.remote()) {
        var reason = remote.unhealthyReason(dirs.fs(p.id()));
        if (reason.isPresent()) {
          throw new SnapshotUnavailableException(
              "mounts of snapshot "
                  + r.key()
                  + ": remote layer "
                  + p.key()
                  + " unhealthy: "
                  + reason.get());
        }
      }
      ids.add(p.id());
    }
    return overlay.of(r.id(), r.kind(), ids);
  }

  /** The committed ancestors of {@code r}, nearest first. */
  private List<SnapshotRecord> parentChain(SnapshotRecord r) throws IOException {
    return store.read(tx -> {
      List<SnapshotRecord> chain = new ArrayList<>();
      String parent = r.parent();
      while (!parent.isEmpty()) {
        String name = parent;
        SnapshotRecord p =
            tx.get(name)
                .orElseThrow(
                    () -> new SnapshotNotFoundException("parent snapshot " + name + ": not found"));
        chain.add(p);
        parent = p.parent();
      }
      return chain;
    });
  }

  @Override
  public void commit(String name, String key, Map<String, String> labels) throws IOException {
    requireKey("commit", name);
    Labels.validate("commit snapshot " + name, labels);
    try (KeyLocks.Held held = keyLocks.lock(key)) {
      commitLocked(name, key, labels, false);
    }
  }

  private void commitLocked(String name, String key, Map<String, String> labels, boolean isRemote)
      throws IOException {
    SnapshotRecord current = store.read(tx -> find(tx, key));
    // Remote layers are measured by nobody: walking a lazy mount would fetch its metadata.
    Usage usage =
        isRemote || current.kind() != Kind.ACTIVE
            ? new Usage(0, 0)
            : DiskUsage.of(dirs.fs(current.id()));
    store.write(tx -> {
      SnapshotRecord r = find(tx, key);
      if (r.kind() != Kind.ACTIVE) {
        throw new SnapshotPreconditionException("commit snapshot " + key + ": not active");
      }
      if (tx.get(name).isPresent()) {
        throw new SnapshotExistsException("snapshot " + name + ": already exists");
      }
      var now = clock.instant();
      tx.update(
          new SnapshotRecord(
              r.id(),
              name,
              r.parent(),
              Kind.COMMITTED,
              now,
              now,
              labels,
              isRemote,
              usage.size(),
              usage.inodes()));
      return null;
    });
  }

  @Override
  public void remove(String key) throws IOException {
    try (KeyLocks.Held held = keyLocks.lock(key)) {
      removeLocked(key);
    }
  }

  private void removeLocked(String key) throws IOException {
    SnapshotRecord removed =
        store.write(tx -> {
          SnapshotRecord r = find(tx, key);
          if (tx.childCount(key) > 0) {
            throw new SnapshotPreconditionException(
                "remove snapshot " + key + ": cannot remove snapshot with child");
          }
          tx.delete(key);
          return r;
        });
    try {
      if (removed.remote()) {
        remote.release(dirs.fs(removed.id()));
      }
      dirs.delete(removed.id());
    } catch (IOException e) {
      // The metadata is gone, so the snapshot is; Cleanup deletes what is left.
      LOG.log(Level.WARNING, "delete directory of removed snapshot " + key + " failed", e);
    }
  }

  @Override
  public SnapshotInfo stat(String key) throws IOException {
    return toInfo(store.read(tx -> find(tx, key)));
  }

  @Override
  public SnapshotInfo update(SnapshotInfo info, List<String> fieldPaths) throws IOException {
    String name = info.name();
    requireKey("update", name);
    Labels.validate("update snapshot " + name, info.labels());
    try (KeyLocks.Held held = keyLocks.lock(name)) {
      return toInfo(
          store.write(tx -> {
            SnapshotRecord r = find(tx, name);
            Map<String, String> labels = new HashMap<>(r.labels());
            if (fieldPaths.isEmpty()) {
              labels = new HashMap<>(info.labels());
            }
            for (String path : fieldPaths) {
              if (path.equals("labels")) {
                labels = new HashMap<>(info.labels());
              } else if (path.startsWith("labels.")) {
                String label = path.substring("labels.".length());
                String value = info.labels().get(label);
                if (value == null) {
                  labels.remove(label);
                } else {
                  labels.put(label, value);
                }
              } else {
                throw new InvalidSnapshotArgumentException(
                    "update snapshot " + name + ": cannot update \"" + path + "\" field");
              }
            }
            SnapshotRecord updated = r.withLabels(labels, clock.instant());
            tx.update(updated);
            return updated;
          }));
    }
  }

  @Override
  public List<SnapshotInfo> list(List<String> filters) throws IOException {
    List<SnapshotFilter> parsed = new ArrayList<>();
    for (String f : filters) {
      parsed.add(SnapshotFilter.parse(f));
    }
    List<SnapshotInfo> out = new ArrayList<>();
    for (SnapshotRecord r : store.read(Transaction::all)) {
      SnapshotInfo info = toInfo(r);
      if (parsed.isEmpty() || parsed.stream().anyMatch(f -> f.matches(info))) {
        out.add(info);
      }
    }
    return out;
  }

  @Override
  public Usage usage(String key) throws IOException {
    SnapshotRecord r = store.read(tx -> find(tx, key));
    if (r.kind() == Kind.ACTIVE) {
      return DiskUsage.of(dirs.fs(r.id()));
    }
    return new Usage(r.size(), r.inodes());
  }

  @Override
  public void cleanup() throws IOException {
    cleanupLock.writeLock().lock();
    try {
      Set<Long> live = new HashSet<>();
      for (SnapshotRecord r : store.read(Transaction::all)) {
        live.add(r.id());
      }
      for (Path orphan : dirs.orphans(live)) {
        SnapshotDirectories.deleteTree(orphan);
        LOG.log(Level.INFO, "cleanup removed {0}", orphan);
      }
    } finally {
      cleanupLock.writeLock().unlock();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      remote.close();
    } finally {
      store.close();
    }
  }

  private static SnapshotRecord find(Transaction tx, String key) throws IOException {
    return tx.get(key)
        .orElseThrow(() -> new SnapshotNotFoundException("snapshot " + key + ": not found"));
  }

  private static SnapshotInfo toInfo(SnapshotRecord r) {
    return new SnapshotInfo(
        r.key(), r.parent(), r.kind(), r.createdAt(), r.updatedAt(), r.labels());
  }

  private static void requireKey(String operation, String key)
      throws InvalidSnapshotArgumentException {
    if (key == null || key.isEmpty()) {
      throw new InvalidSnapshotArgumentException(operation + ": snapshot key must not be empty");
    }
  }
}
