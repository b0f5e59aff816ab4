package dev.thaw.snapshotter.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.snapshotter.metadata.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Snapshotter} configuration must do, case by case as containerd's overlayfs
 * snapshotter does it. Subclasses supply the configuration.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
abstract class SnapshotterContractTest {

  @TempDir Path root;
  Snapshotter snapshotter;

  /** A fresh (or reopened) snapshotter over {@code root}. */
  abstract Snapshotter open(Path root) throws IOException;

  @BeforeEach
  void setUp() throws IOException {
    snapshotter = open(root);
  }

  @AfterEach
  void tearDown() throws IOException {
    snapshotter.close();
  }

  Path fs(Mount bind) {
    return Path.of(bind.source());
  }

  /** Prepares {@code key} on {@code parent}, writes one file, commits as {@code name}. */
  void layer(String name, String parent, String file) throws IOException {
    List<Mount> m = snapshotter.prepare(name + "-active", parent, Map.of());
    Path upper = upper(m.get(0));
    Files.writeString(upper.resolve(file), file);
    snapshotter.commit(name, name + "-active", Map.of());
  }

  static Path upper(Mount m) {
    if (m.type().equals("bind")) {
      return Path.of(m.source());
    }
    return Path.of(
        m.options().stream()
            .filter(o -> o.startsWith("upperdir="))
            .findFirst()
            .orElseThrow()
            .substring("upperdir=".length()));
  }

  @Test
  void prepare_noParent_returnsWritableBindMount() throws IOException {
    List<Mount> m = snapshotter.prepare("k", "", Map.of());
    assertEquals(1, m.size());
    assertEquals("bind", m.get(0).type());
    assertEquals(List.of("rw", "rbind"), m.get(0).options());
    assertTrue(Files.isDirectory(fs(m.get(0))));
    assertTrue(fs(m.get(0)).startsWith(root.resolve("snapshots")));
    assertEquals("fs", fs(m.get(0)).getFileName().toString());
  }

  @Test
  void prepare_withParents_returnsOverlayNearestLowerFirst() throws IOException {
    layer("base", "", "a");
    layer("mid", "base", "b");
    List<Mount> m = snapshotter.prepare("k", "mid", Map.of());
    assertEquals("overlay", m.get(0).type());
    assertEquals("overlay", m.get(0).source());
    List<String> o = m.get(0).options();
    String lower = o.stream().filter(s -> s.startsWith("lowerdir=")).findFirst().orElseThrow();
    String[] lowers = lower.substring("lowerdir=".length()).split(":");
    assertEquals(2, lowers.length);
    assertTrue(Files.exists(Path.of(lowers[0], "b")), "nearest parent first");
    assertTrue(Files.exists(Path.of(lowers[1], "a")));
    assertTrue(o.stream().anyMatch(s -> s.startsWith("workdir=")));
    assertTrue(o.stream().anyMatch(s -> s.startsWith("upperdir=")));
    assertTrue(o.indexOf(lower) == o.size() - 1, "lowerdir last, as containerd");
  }

  @Test
  void view_oneParent_returnsReadOnlyBindOfParent() throws IOException {
    layer("base", "", "a");
    List<Mount> m = snapshotter.view("v", "base", Map.of());
    assertEquals("bind", m.get(0).type());
    assertEquals(List.of("ro", "rbind"), m.get(0).options());
    assertTrue(Files.exists(fs(m.get(0)).resolve("a")));
  }

  @Test
  void view_twoParents_returnsOverlayWithoutUpper() throws IOException {
    layer("base", "", "a");
    layer("mid", "base", "b");
    List<Mount> m = snapshotter.view("v", "mid", Map.of());
    assertEquals("overlay", m.get(0).type());
    assertFalse(m.get(0).options().stream().anyMatch(s -> s.startsWith("upperdir=")));
    assertEquals(Kind.VIEW, snapshotter.stat("v").kind());
  }

  @Test
  void view_noParent_returnsReadOnlyBind() throws IOException {
    List<Mount> m = snapshotter.view("v", "", Map.of());
    assertEquals(List.of("ro", "rbind"), m.get(0).options());
  }

  @Test
  void prepare_existingKey_throwsExists() throws IOException {
    snapshotter.prepare("k", "", Map.of());
    assertThrows(SnapshotExistsException.class, () -> snapshotter.prepare("k", "", Map.of()));
  }

  @Test
  void prepare_missingParent_throwsNotFound() {
    assertThrows(SnapshotNotFoundException.class, () -> snapshotter.prepare("k", "nope", Map.of()));
  }

  @Test
  void prepare_activeParent_throwsInvalidArgument() throws IOException {
    snapshotter.prepare("p", "", Map.of());
    assertThrows(
        InvalidSnapshotArgumentException.class, () -> snapshotter.prepare("k", "p", Map.of()));
  }

  @Test
  void prepare_emptyKey_throwsInvalidArgument() {
    assertThrows(
        InvalidSnapshotArgumentException.class, () -> snapshotter.prepare("", "", Map.of()));
  }

  @Test
  void prepare_oversizedLabel_throwsInvalidArgument() {
    Map<String, String> big = Map.of("k", "v".repeat(4096));
    assertThrows(InvalidSnapshotArgumentException.class, () -> snapshotter.prepare("k", "", big));
  }

  @Test
  void prepare_labelAtLimit_accepted() throws IOException {
    snapshotter.prepare("k", "", Map.of("kk", "v".repeat(4094)));
    assertEquals(4094, snapshotter.stat("k").labels().get("kk").length());
  }

  @Test
  void commit_active_becomesCommittedUnderNameAndKeyIsGone() throws IOException {
    snapshotter.prepare("k", "", Map.of("a", "1"));
    snapshotter.commit("n", "k", Map.of("b", "2"));
    SnapshotInfo info = snapshotter.stat("n");
    assertEquals(Kind.COMMITTED, info.kind());
    assertEquals(Map.of("b", "2"), info.labels());
    assertThrows(SnapshotNotFoundException.class, () -> snapshotter.stat("k"));
  }

  @Test
  void commit_view_throwsFailedPrecondition() throws IOException {
    layer("base", "", "a");
    snapshotter.view("v", "base", Map.of());
    assertThrows(SnapshotPreconditionException.class, () -> snapshotter.commit("n", "v", Map.of()));
  }

  @Test
  void commit_existingName_throwsExists() throws IOException {
    layer("base", "", "a");
    snapshotter.prepare("k", "", Map.of());
    assertThrows(SnapshotExistsException.class, () -> snapshotter.commit("base", "k", Map.of()));
    assertEquals(Kind.ACTIVE, snapshotter.stat("k").kind(), "failed commit changes nothing");
  }

  @Test
  void commit_missingKey_throwsNotFound() {
    assertThrows(SnapshotNotFoundException.class, () -> snapshotter.commit("n", "k", Map.of()));
  }

  @Test
  void mounts_committed_throwsFailedPrecondition() throws IOException {
    layer("base", "", "a");
    assertThrows(SnapshotPreconditionException.class, () -> snapshotter.mounts("base"));
  }

  @Test
  void mounts_active_sameAsPrepare() throws IOException {
    layer("base", "", "a");
    List<Mount> prepared = snapshotter.prepare("k", "base", Map.of());
    assertEquals(prepared, snapshotter.mounts("k"));
  }

  @Test
  void remove_withChild_throwsFailedPrecondition() throws IOException {
    layer("base", "", "a");
    snapshotter.prepare("k", "base", Map.of());
    assertThrows(SnapshotPreconditionException.class, () -> snapshotter.remove("base"));
    snapshotter.remove("k");
    snapshotter.remove("base");
    assertTrue(snapshotter.list(List.of()).isEmpty());
  }

  @Test
  void remove_active_deletesDirectory() throws IOException {
    Path dir = fs(snapshotter.prepare("k", "", Map.of()).get(0)).getParent();
    snapshotter.remove("k");
    assertFalse(Files.exists(dir));
    assertThrows(SnapshotNotFoundException.class, () -> snapshotter.remove("k"));
  }

  @Test
  void update_labelPaths_setAndDeleteOneLabel() throws IOException {
    snapshotter.prepare("k", "", Map.of("a", "1", "b", "2"));
    SnapshotInfo before = snapshotter.stat("k");
    SnapshotInfo patch =
        new SnapshotInfo(
            "k", "", Kind.ACTIVE, before.createdAt(), before.updatedAt(), Map.of("c", "3"));
    SnapshotInfo after = snapshotter.update(patch, List.of("labels.c", "labels.a"));
    assertEquals(Map.of("b", "2", "c", "3"), after.labels());
    assertEquals(after, snapshotter.stat("k"));
  }

  @Test
  void update_noPaths_replacesAllLabels() throws IOException {
    snapshotter.prepare("k", "", Map.of("a", "1"));
    SnapshotInfo s = snapshotter.stat("k");
    SnapshotInfo patch =
        new SnapshotInfo("k", "", Kind.ACTIVE, s.createdAt(), s.updatedAt(), Map.of("z", "9"));
    assertEquals(Map.of("z", "9"), snapshotter.update(patch, List.of()).labels());
  }

  @Test
  void update_immutableField_throwsInvalidArgument() throws IOException {
    snapshotter.prepare("k", "", Map.of());
    SnapshotInfo s = snapshotter.stat("k");
    assertThrows(
        InvalidSnapshotArgumentException.class, () -> snapshotter.update(s, List.of("parent")));
  }

  @Test
  void update_missing_throwsNotFound() throws IOException {
    snapshotter.prepare("k", "", Map.of());
    SnapshotInfo s = snapshotter.stat("k");
    SnapshotInfo other =
        new SnapshotInfo("x", "", Kind.ACTIVE, s.createdAt(), s.updatedAt(), Map.of());
    assertThrows(SnapshotNotFoundException.class, () -> snapshotter.update(other, List.of()));
  }

  @Test
  void list_filters_returnAnyMatch() throws IOException {
    layer("base", "", "a");
    snapshotter.prepare("k1", "base", Map.of("containerd.io/snapshot.x", "y"));
    snapshotter.view("v1", "base", Map.of());
    assertEquals(3, snapshotter.list(List.of()).size());
    assertEquals(
        List.of("base"),
        snapshotter.list(List.of("kind==committed")).stream().map(SnapshotInfo::name).toList());
    assertEquals(
        List.of("k1", "v1"),
        snapshotter.list(List.of("labels.\"containerd.io/snapshot.x\"==y", "kind==view")).stream()
            .map(SnapshotInfo::name)
            .toList());
    assertEquals(
        List.of("k1", "v1"),
        snapshotter.list(List.of("parent==base")).stream().map(SnapshotInfo::name).toList());
  }

  @Test
  void list_badFilter_throwsInvalidArgument() {
    assertThrows(InvalidSnapshotArgumentException.class, () -> snapshotter.list(List.of("==x")));
  }

  @Test
  void usage_activeAndCommitted_countOwnLayerOnly() throws IOException {
    Path upper = upper(snapshotter.prepare("k", "", Map.of()).get(0));
    Files.write(upper.resolve("f"), new byte[8192]);
    Usage active = snapshotter.usage("k");
    assertEquals(2, active.inodes());
    assertTrue(active.size() >= 8192, "size " + active.size());
    snapshotter.commit("n", "k", Map.of());
    assertEquals(active, snapshotter.usage("n"));
    snapshotter.prepare("child", "n", Map.of());
    assertEquals(1, snapshotter.usage("child").inodes());
  }

  @Test
  void cleanup_orphanDirectories_removedLiveKept() throws IOException {
    Path live = fs(snapshotter.prepare("k", "", Map.of()).get(0));
    Path orphan = root.resolve("snapshots").resolve("999");
    Files.createDirectories(orphan.resolve("fs"));
    Path temp = root.resolve("snapshots").resolve("new-123");
    Files.createDirectories(temp);
    snapshotter.cleanup();
    assertFalse(Files.exists(orphan));
    assertFalse(Files.exists(temp));
    assertTrue(Files.isDirectory(live));
  }

  @Test
  void reopen_afterClose_snapshotsAndLabelsIntact() throws IOException {
    layer("base", "", "a");
    snapshotter.prepare("k", "base", Map.of("l", "v"));
    List<SnapshotInfo> before = snapshotter.list(List.of());
    List<Mount> mounts = snapshotter.mounts("k");
    snapshotter.close();
    snapshotter = open(root);
    assertEquals(before, snapshotter.list(List.of()));
    assertEquals(mounts, snapshotter.mounts("k"));
    snapshotter.prepare("k2", "base", Map.of());
  }

  @Test
  void stat_missing_throwsNotFound() {
    assertThrows(SnapshotNotFoundException.class, () -> snapshotter.stat("nope"));
  }
}
