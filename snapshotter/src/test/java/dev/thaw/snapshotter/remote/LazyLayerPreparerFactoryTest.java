package dev.thaw.snapshotter.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.snapshotter.config.ThawConfig;
import dev.thaw.snapshotter.metrics.SnapshotterMetrics;
import dev.thaw.snapshotter.profile.ProfileRecorder;
import dev.thaw.snapshotter.profile.ProfileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LazyLayerPreparerFactoryTest {
  @TempDir Path tmp;

  private final SnapshotterMetrics metrics = SnapshotterMetrics.inNewRegistry();

  private ThawConfig config(String toml) throws Exception {
    return ThawConfig.parse("root = \"" + tmp.resolve("root") + "\"\n" + toml);
  }

  @Test
  void profiles_enabled_recorderOverStoreUnderRoot() throws Exception {
    Optional<ProfileRecorder> r =
        LazyLayerPreparerFactory.profiles(config("[profile]\nwindow = \"5s\"\n"), metrics);
    assertTrue(r.isPresent());
    try (ProfileRecorder recorder = r.get()) {
      assertEquals(Duration.ofSeconds(5), recorder.window());
      assertTrue(Files.isRegularFile(tmp.resolve("root").resolve(ProfileStore.FILE_NAME)));
    }
  }

  @Test
  void profiles_disabled_none() throws Exception {
    assertEquals(
        Optional.empty(),
        LazyLayerPreparerFactory.profiles(config("[profile]\nenabled = false\n"), metrics));
    assertTrue(Files.notExists(tmp.resolve("root").resolve(ProfileStore.FILE_NAME)));
  }

  @Test
  void profiles_storeUnusable_offInsteadOfFailingTheDaemon() throws Exception {
    // a directory where the database file belongs: SQLite cannot open it
    Files.createDirectories(tmp.resolve("root").resolve(ProfileStore.FILE_NAME));
    assertEquals(Optional.empty(), LazyLayerPreparerFactory.profiles(config(""), metrics));
  }
}
