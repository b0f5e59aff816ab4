package dev.thaw.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.serce.jnrfuse.struct.FileStat;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NodeAttributesTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0, 0",
    "1, 3, 259", // /dev/null
    "8, 0, 2048", // /dev/sda
    "8, 300, 1050668", // minor above 255: its high bits move to bit 20+
    "4095, 255, 1048575",
    "4096, 0, 17592186044416" // major above 4095 moves to bits 44+
  })
  void deviceNumber_majorMinor_encodesLikeGlibcMakedev(long major, long minor, long expected) {
    assertEquals(expected, NodeAttributes.deviceNumber(major, minor));
  }

  @ParameterizedTest
  @CsvSource({
    "DIR, 16384",
    "REG, 32768",
    "SYMLINK, 40960",
    "CHAR, 8192",
    "BLOCK, 24576",
    "FIFO, 4096"
  })
  void typeBits_entryType_mapsToSIfmt(TocEntryType type, int bits) {
    assertEquals(bits, NodeAttributes.typeBits(TocEntry.builder("x", type).build()));
  }

  @Test
  void size_symlinkWithMultibyteTarget_countsUtf8Bytes() {
    TocEntry link = TocEntry.builder("l", TocEntryType.SYMLINK).linkName("/ä").build();
    assertEquals(3, NodeAttributes.size(link));
    assertEquals(
        NodeAttributes.DIRECTORY_SIZE,
        NodeAttributes.size(TocEntry.builder("d", TocEntryType.DIR).build()));
    assertEquals(
        FileStat.S_IFREG, NodeAttributes.typeBits(TocEntry.builder("f", TocEntryType.REG).build()));
  }
}
