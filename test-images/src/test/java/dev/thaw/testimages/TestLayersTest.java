package dev.thaw.testimages;

import static dev.thaw.testimages.TestLayers.charDevice;
import static dev.thaw.testimages.TestLayers.dir;
import static dev.thaw.testimages.TestLayers.fifo;
import static dev.thaw.testimages.TestLayers.file;
import static dev.thaw.testimages.TestLayers.hardlink;
import static dev.thaw.testimages.TestLayers.opaque;
import static dev.thaw.testimages.TestLayers.symlink;
import static dev.thaw.testimages.TestLayers.whiteout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TestLayersTest {
  private static byte[] sample() {
    return TestLayers.tar(
        dir("etc"),
        file("etc/hosts", "127.0.0.1 localhost\n").withXattr("user.a", "b").withOwner(5, 6),
        symlink("etc/link", "hosts"),
        hardlink("etc/hard", "etc/hosts"),
        charDevice("dev/null", 1, 3),
        fifo("run/fifo"),
        whiteout("etc/gone"),
        opaque("var"),
        file("d/" + "n".repeat(255), "long"),
        file("d/ünïcødé", "u"));
  }

  @Test
  void tar_sameEntries_sameBytes() {
    assertArrayEquals(sample(), sample());
  }

  @Test
  void tar_entries_readBackWithMetadata() throws Exception {
    List<TarArchiveEntry> read = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(sample()))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        read.add(e);
      }
    }
    assertEquals(10, read.size());
    assertEquals("etc/", read.get(0).getName());
    assertEquals("b", read.get(1).getExtraPaxHeader("SCHILY.xattr.user.a"));
    assertEquals(5, read.get(1).getLongUserId());
    assertEquals("hosts", read.get(2).getLinkName());
    assertEquals(true, read.get(3).isLink());
    assertEquals(3, read.get(4).getDevMinor());
    assertEquals(true, read.get(5).isFIFO());
    assertEquals("etc/.wh.gone", read.get(6).getName());
    assertEquals("var/.wh..wh..opq", read.get(7).getName());
    assertEquals("d/" + "n".repeat(255), read.get(8).getName());
    assertEquals("d/ünïcødé", read.get(9).getName());
    assertEquals(TestEntry.DEFAULT_MOD_TIME, read.get(0).getLastModifiedTime().toInstant());
  }
}
