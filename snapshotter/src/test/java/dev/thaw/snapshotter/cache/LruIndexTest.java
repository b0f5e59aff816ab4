package dev.thaw.snapshotter.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LruIndexTest {
  private static Digest digest(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return Digest.sha256(b);
  }

  @Test
  void stampDue_oncePerIntervalForAHeldChunk() {
    LruIndex index = new LruIndex(1000);
    Digest a = digest("a");
    assertFalse(index.stampDue(a, 0, 60_000), "not held");
    index.add(a, 10);
    assertTrue(index.stampDue(a, 1_000, 60_000), "first use");
    assertFalse(index.stampDue(a, 30_000, 60_000), "within the interval");
    assertTrue(index.stampDue(a, 61_000, 60_000), "the interval has passed");
  }

  @Test
  void stampDue_marksAUseForEviction() {
    LruIndex index = new LruIndex(20);
    Digest a = digest("a");
    Digest b = digest("b");
    index.add(a, 10);
    index.add(b, 10);
    index.stampDue(a, 0, 60_000);
    assertEquals(List.of(b), index.add(digest("c"), 10), "b is now the least recently used");
  }
}
