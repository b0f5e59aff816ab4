package dev.thaw.snapshotter.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.fuse.AccessObserver;
import dev.thaw.fuse.AccessedFile;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProfileRecorderTest {
  private static final String APP = "127.0.0.1:5000/app:1";
  private static final String OTHER = "127.0.0.1:5000/other:1";
  private static final String BASE = "sha256:" + "b".repeat(64);
  private static final String TOP = "sha256:" + "t".repeat(64);

  @TempDir Path tmp;

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-01-02T03:04:05.000001Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final SnapshotterMetrics metrics = SnapshotterMetrics.inNewRegistry();

  private Path db() {
    return tmp.resolve(ProfileStore.FILE_NAME);
  }

  private ProfileRecorder recorder(Duration window) throws Exception {
    return ProfileRecorder.manual(ProfileStore.open(db()), window, clock, metrics);
  }

  private static AccessedFile file(String path) {
    return new AccessedFile(path, 100, () -> 0);
  }

  private List<String> paths(String image) throws Exception {
    try (ProfileStore store = ProfileStore.openExisting(db())) {
      return store.files(image).stream().map(ProfiledFile::path).toList();
    }
  }

  @Test
  void opened_acrossLayers_exportedInFirstAccessOrder() throws Exception {
    try (ProfileRecorder r = recorder(Duration.ofSeconds(60))) {
      AccessObserver base = r.layer(BASE, APP);
      AccessObserver top = r.layer(TOP, APP);
      top.opened(file("/app/main.py"));
      clock.advance(Duration.ofMillis(1));
      base.opened(file("/usr/bin/python3"));
      clock.advance(Duration.ofMillis(1));
      base.opened(file("/usr/lib/libc.so.6"));
      r.flush();
      clock.advance(Duration.ofMillis(1));
      top.opened(file("/app/model.bin"));
    }
    assertEquals(
        List.of("/app/main.py", "/usr/bin/python3", "/usr/lib/libc.so.6", "/app/model.bin"),
        paths(APP));
  }

  @Test
  void opened_sameInstant_keepsRecordingOrder() throws Exception {
    try (ProfileRecorder r = recorder(Duration.ofSeconds(60))) {
      AccessObserver o = r.layer(BASE, APP);
      for (String p : List.of("/z", "/a", "/m", "/b")) {
        o.opened(file(p));
      }
    }
    assertEquals(List.of("/z", "/a", "/m", "/b"), paths(APP));
    assertEquals(4, metrics.profileFilesRecorded());
  }

  @Test
  void opened_afterWindow_notRecorded() throws Exception {
    try (ProfileRecorder r = recorder(Duration.ofSeconds(10))) {
      AccessObserver o = r.layer(BASE, APP);
      o.opened(file("/first"));
      clock.advance(Duration.ofSeconds(10));
      o.opened(file("/at-end"));
      clock.advance(Duration.ofMillis(1));
      o.opened(file("/late"));
    }
    assertEquals(List.of("/first", "/at-end"), paths(APP));
  }

  @Test
  void opened_samePathOnTwoLayers_recordedOnceAtFirstAccess() throws Exception {
    try (ProfileRecorder r = recorder(Duration.ofSeconds(60))) {
      r.layer(TOP, APP).opened(file("/etc/hosts"));
      clock.advance(Duration.ofMillis(5));
      r.layer(BASE, APP).opened(file("/bin/sh"));
      r.flush();
      clock.advance(Duration.ofMillis(5));
      r.layer(BASE, APP).opened(file("/etc/hosts"));
    }
    try (ProfileStore store = ProfileStore.openExisting(db())) {
      List<ProfiledFile> files = store.files(APP);
      assertEquals(
          List.of("/etc/hosts", "/bin/sh"), files.stream().map(ProfiledFile::path).toList());
      assertEquals(TOP, files.get(0).layer());
    }
  }

  @Test
  void opened_twoImages_eachItsOwnWindowAndFiles() throws Exception {
    try (ProfileRecorder r = recorder(Duration.ofSeconds(10))) {
      r.layer(BASE, APP).opened(file("/app"));
      clock.advance(Duration.ofSeconds(30));
      r.layer(TOP, OTHER).opened(file("/other"));
      r.layer(BASE, APP).opened(file("/app-late"));
    }
    assertEquals(List.of("/app"), paths(APP));
    assertEquals(List.of("/other"), paths(OTHER));
  }

  @Test
  void addImage_sharedLayer_laterOpensRecordedForBothImages() throws Exception {
    try (ProfileRecorder r = recorder(Duration.ofSeconds(60))) {
      ProfiledLayer base = r.layer(BASE, APP);
      int before = base.generation();
      base.opened(file("/bin/sh"));
      base.addImage(OTHER);
      base.addImage(OTHER);
      assertEquals(before + 1, base.generation());
      assertEquals(List.of(APP, OTHER), base.images());
      clock.advance(Duration.ofMillis(1));
      base.opened(file("/bin/sh"));
      base.opened(file("/bin/cat"));
    }
    assertEquals(List.of("/bin/sh", "/bin/cat"), paths(APP));
    assertEquals(List.of("/bin/sh", "/bin/cat"), paths(OTHER));
  }

  @Test
  void restart_windowEnded_staysEndedAndKeepsProfile() throws Exception {
    try (ProfileRecorder r = recorder(Duration.ofSeconds(10))) {
      r.layer(BASE, APP).opened(file("/before-restart"));
    }
    clock.advance(Duration.ofSeconds(3));
    try (ProfileRecorder r = recorder(Duration.ofSeconds(10))) {
      r.layer(BASE, APP).opened(file("/within-window"));
      clock.advance(Duration.ofSeconds(20));
      r.layer(BASE, APP).opened(file("/after-window"));
    }
    assertEquals(List.of("/before-restart", "/within-window"), paths(APP));
  }

  @Test
  void flush_bytesReadGrowDuringWindow_lastCountStored() throws Exception {
    AtomicLong bytes = new AtomicLong();
    try (ProfileRecorder r = recorder(Duration.ofSeconds(10))) {
      r.layer(BASE, APP).opened(new AccessedFile("/weights", 1 << 20, bytes::get));
      r.flush();
      bytes.set(4096);
      r.flush();
      bytes.set(1 << 20);
      clock.advance(Duration.ofSeconds(11));
      r.flush();
      bytes.set(2 << 20);
      r.flush();
    }
    try (ProfileStore store = ProfileStore.openExisting(db())) {
      assertEquals(1 << 20, store.files(APP).getFirst().bytesRead());
      ProfileSummary s = store.image(APP).orElseThrow();
      assertEquals(1, s.files());
      assertEquals(1 << 20, s.bytesRead());
    }
  }

  @Test
  void start_flusherThread_writesWithoutExplicitFlush() throws Exception {
    try (ProfileRecorder r =
        ProfileRecorder.start(ProfileStore.open(db()), Duration.ofSeconds(60), clock, metrics)) {
      r.layer(BASE, APP).opened(file("/flushed"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (paths(APP).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "not flushed within 10 s");
        Thread.sleep(50);
      }
      assertEquals(List.of("/flushed"), paths(APP));
    }
  }

  @Test
  void flush_storeClosed_countsFailureAndKeepsRecording() throws Exception {
    ProfileStore store = ProfileStore.open(db());
    ProfileRecorder r = ProfileRecorder.manual(store, Duration.ofSeconds(60), clock, metrics);
    r.layer(BASE, APP).opened(file("/lost"));
    store.close();
    assertThrows(java.io.IOException.class, r::flush);
    assertEquals(1, metrics.profileFlushFailures());
    assertEquals(0, metrics.profileFilesRecorded());
  }

  @Test
  void start_nonPositiveWindow_refused() throws Exception {
    try (ProfileStore store = ProfileStore.open(db())) {
      assertThrows(
          IllegalArgumentException.class,
          () -> ProfileRecorder.start(store, Duration.ZERO, clock, metrics));
    }
  }
}
