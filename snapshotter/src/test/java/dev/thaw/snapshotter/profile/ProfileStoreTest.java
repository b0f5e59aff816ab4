package dev.thaw.snapshotter.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProfileStoreTest {
  private static final String IMAGE = "127.0.0.1:5000/app:1";
  private static final String LAYER = "sha256:" + "c".repeat(64);
  private static final Instant T0 = Instant.parse("2026-03-04T05:06:07.123456Z");

  @TempDir Path tmp;

  @Test
  void write_thenReopen_windowFilesAndBytesKept() throws Exception {
    Path db = tmp.resolve(ProfileStore.FILE_NAME);
    try (ProfileStore store = ProfileStore.open(db)) {
      store.write(
          Map.of(IMAGE, T0),
          Duration.ofSeconds(30),
          List.of(new ProfiledFile(IMAGE, "/a", T0, LAYER, 1)),
          List.of(new ProfiledFile(IMAGE, "/a", T0, LAYER, 7)));
      // a second start of the same window is ignored
      store.write(Map.of(IMAGE, T0.plusSeconds(9)), Duration.ofSeconds(99), List.of(), List.of());
    }
    try (ProfileStore store = ProfileStore.openExisting(db)) {
      assertEquals(
          new ProfileSummary(IMAGE, T0, Duration.ofSeconds(30), 1, 7),
          store.image(IMAGE).orElseThrow());
      assertEquals(List.of(new ProfiledFile(IMAGE, "/a", T0, LAYER, 7)), store.files(IMAGE));
    }
  }

  @Test
  void open_storeWithoutWindowLength_columnAddedAsUnknown() throws Exception {
    Path db = tmp.resolve(ProfileStore.FILE_NAME);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE profile_images (image TEXT PRIMARY KEY, window_start_us INTEGER NOT NULL)");
      s.execute("INSERT INTO profile_images VALUES ('" + IMAGE + "', 1000000)");
    }
    try (ProfileStore store = ProfileStore.open(db)) {
      assertEquals(
          new ProfileSummary(IMAGE, Instant.ofEpochSecond(1), Duration.ZERO, 0, 0),
          store.image(IMAGE).orElseThrow());
    }
  }
}
