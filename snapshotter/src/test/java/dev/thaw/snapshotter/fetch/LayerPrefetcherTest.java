package dev.thaw.snapshotter.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LayerPrefetcherTest {

  @ParameterizedTest(name = "{0} in runs of {1}: head of {2}")
  @CsvSource({
    "0:10 10:20 20:30, 30, 3", // the whole region fits one run: the prepare waits for all of it
    "0:10 10:20 20:30, 20, 2",
    "0:10 10:20 20:30, 5, 1", // a first chunk larger than a run is the head alone
    "100:110 110:200 200:210, 20, 1", // measured from the region's first byte, not the blob's
    "0:10 50:60 60:70, 60, 2", // a gap inside the run's span still counts as its bytes
  })
  void headSize_region_isWhatTheFirstRunSpans(String chunks, long runBytes, int expected) {
    assertEquals(expected, LayerPrefetcher.headSize(RangeCoalescerTest.chunks(chunks), runBytes));
  }

  @Test
  void headSize_emptyRegion_isZero() {
    assertEquals(0, LayerPrefetcher.headSize(java.util.List.of(), 8 << 20));
  }
}
