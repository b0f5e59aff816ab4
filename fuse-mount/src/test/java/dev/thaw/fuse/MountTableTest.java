package dev.thaw.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MountTableTest {
  @TempDir Path tmp;

  @Test
  void parse_fuseLineWithOptionalFields_readsMountpointTypeAndSource() {
    MountTable.Entry e =
        MountTable.parse(
            "812 30 0:77 / /run/thaw/layers/sha256:ab rw,nosuid,nodev,relatime shared:400 master:1"
                + " - fuse.thaw thaw:sha256:ab ro,user_id=0,group_id=0,allow_other");
    assertEquals(Path.of("/run/thaw/layers/sha256:ab"), e.mountpoint());
    assertEquals("fuse.thaw", e.fsType());
    assertEquals("thaw:sha256:ab", e.source());
    assertTrue(e.isFuse());
  }

  @Test
  void parse_escapedSpaceInPath_unescapes() {
    MountTable.Entry e = MountTable.parse("1 2 0:3 / /mnt/a\\040b rw - ext4 /dev/sda1 rw");
    assertEquals(Path.of("/mnt/a b"), e.mountpoint());
    assertFalse(e.isFuse());
  }

  @Test
  void parse_noSeparator_throws() {
    assertThrows(IllegalArgumentException.class, () -> MountTable.parse("1 2 0:3 / /mnt rw"));
  }

  @Test
  void isFuseMounted_fileWithEntries_matchesOnlyFuseAtExactPath() throws Exception {
    Path info =
        Files.writeString(
            tmp.resolve("mountinfo"),
            "1 0 0:1 / / rw - ext4 /dev/root rw\n"
                + "2 1 0:2 / /mnt/x rw - fuse.thaw thaw:l rw\n"
                + "3 1 0:3 / /mnt/y rw - tmpfs tmpfs rw\n");
    MountTable table = new MountTable(info);
    assertTrue(table.isFuseMounted(Path.of("/mnt/x")));
    assertFalse(table.isFuseMounted(Path.of("/mnt/y")));
    assertFalse(table.isFuseMounted(Path.of("/mnt/x/sub")));
  }
}
