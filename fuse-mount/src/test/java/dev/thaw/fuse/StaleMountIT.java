package dev.thaw.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A killed process leaves a dead FUSE mount; {@link LayerMount#clearStale} removes it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StaleMountIT {
  @TempDir Path tmp;

  /** Starts {@link StaleMountChild} on {@code mnt} and waits until it has mounted. */
  private static Process startChild(Path mnt) throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    Process child =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                StaleMountChild.class.getName(),
                mnt.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      seen.append(line).append('\n');
      if (line.startsWith("MOUNTED")) {
        return child;
      }
    }
    child.destroyForcibly();
    throw new AssertionError("child did not mount: " + seen);
  }

  @Test
  void clearStale_serverKilled_detachesDeadMount() throws Exception {
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Process child = startChild(mnt);
    try {
      assertEquals("x", Files.readString(mnt.resolve("f")));
      assertFalse(LayerMount.clearStale(mnt), "a live mount is left alone");
      child.destroyForcibly();
      assertTrue(child.waitFor(20, TimeUnit.SECONDS));
      assertTrue(new MountTable().isFuseMounted(mnt), "the dead mount stays behind");
      FileSystemException e =
          assertThrows(FileSystemException.class, () -> Files.readString(mnt.resolve("f")));
      assertTrue(e.getMessage().contains("not connected"), e.getMessage());

      assertEquals(List.of(mnt), LayerMount.clearStaleUnder(tmp));
      assertFalse(new MountTable().isFuseMounted(mnt));
      assertFalse(LayerMount.clearStale(mnt), "nothing left to clear");
    } finally {
      child.destroyForcibly();
      if (new MountTable().isFuseMounted(mnt)) {
        Unmounter.detach(mnt);
      }
    }
  }
}
