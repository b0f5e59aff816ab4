package dev.thaw.snapshotter.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StaleMountsTest {

  @TempDir Path tmp;

  @Test
  void under_mountinfo_returnsMountsBelowDirDeepestFirst() throws Exception {
    Path info = tmp.resolve("mountinfo");
    Files.writeString(
        info,
        String.join(
            "\n",
            "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
            "90 22 0:50 / /var/lib/thaw/snapshots/3/fs rw - fuse thaw rw",
            "91 22 0:51 / /var/lib/thaw/snapshots/3/fs/sub rw - fuse thaw rw",
            "92 22 0:52 / /var/lib/thaw/snapshots/4/with\\040space rw - fuse thaw rw",
            "93 22 0:53 / /var/lib/thawother rw - fuse thaw rw",
            ""));
    assertEquals(
        List.of(
            Path.of("/var/lib/thaw/snapshots/3/fs/sub"),
            Path.of("/var/lib/thaw/snapshots/3/fs"),
            Path.of("/var/lib/thaw/snapshots/4/with space")),
        StaleMounts.under(Path.of("/var/lib/thaw/snapshots"), info));
  }

  @Test
  void unescape_octal_decoded() {
    assertEquals("a b\tc\\d", StaleMounts.unescape("a\\040b\\011c\\134d"));
    assertEquals("trailing\\", StaleMounts.unescape("trailing\\"));
  }
}
