package dev.thaw.snapshotter.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The start-up warm-up over a real FUSE mount (needs root and /dev/fuse, as the daemon does). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WarmUpIT {
  @TempDir Path dir;

  @Test
  void run_mountsReadsAndUnmounts_twiceOnOneDirectory() throws Exception {
    Path mnt = dir.resolve("warm-up");
    Duration first = WarmUp.run(mnt);
    Duration second = WarmUp.run(mnt);
    assertTrue(first.toNanos() > 0 && second.toNanos() > 0);
    String mountinfo = Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
    assertTrue(!mountinfo.contains(" " + mnt + " "), "nothing stays mounted on " + mnt);
    try (var entries = Files.list(mnt)) {
      assertEquals(0, entries.count(), "the mountpoint is empty again");
    }
  }
}
