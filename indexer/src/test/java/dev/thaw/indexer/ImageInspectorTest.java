package dev.thaw.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ImageInspectorTest {
  private static TocEntry reg(String name) {
    return TocEntry.builder(name, TocEntryType.REG).build();
  }

  private static TocEntry dir(String name) {
    return TocEntry.builder(name, TocEntryType.DIR).build();
  }

  @Test
  void prefetchSet_filesBeforeLandmark_listsThemInOrder() {
    assertEquals(
        "2 files before .prefetch.landmark: bin/sh, etc/hosts",
        ImageInspector.prefetchSet(
            List.of(
                dir("bin/"),
                reg("bin/sh"),
                reg("./etc/hosts"),
                reg(".prefetch.landmark"),
                reg("usr/lib/x"))));
  }

  @Test
  void prefetchSet_noPrefetchLandmark_saysNone() {
    assertEquals(
        "none (.no.prefetch.landmark)",
        ImageInspector.prefetchSet(List.of(reg(".no.prefetch.landmark"), reg("bin/sh"))));
  }

  @Test
  void prefetchSet_noLandmark_saysSo() {
    assertEquals("none (no landmark)", ImageInspector.prefetchSet(List.of(reg("bin/sh"))));
  }
}
