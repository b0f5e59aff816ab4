package dev.thaw.snapshotter.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RangeCoalescerTest {

  /** Chunks from "offset:end[/inner]" specs. */
  static List<TocChunk> chunks(String spec) {
    List<TocChunk> out = new ArrayList<>();
    int i = 0;
    for (String s : spec.split(" ")) {
      String[] parts = s.split("[:/]");
      long inner = parts.length > 2 ? Long.parseLong(parts[2]) : 0;
      out.add(
          new TocChunk(
              Digest.sha256(new byte[] {(byte) i, (byte) (i >> 8)}),
              i * 10L,
              10,
              Long.parseLong(parts[0]),
              Long.parseLong(parts[1]),
              inner));
      i++;
    }
    return out;
  }

  static String describe(List<FetchRun> runs) {
    return runs.stream()
        .map(r -> r.offset() + "-" + r.end() + "x" + r.chunks().size())
        .collect(Collectors.joining(" "));
  }

  @ParameterizedTest(name = "{0} max {1} gap {2} -> {3}")
  @CsvSource(
      delimiter = ';',
      value = {
        "0:10 10:20 20:30; 100; 0; 0-30x3",
        "0:10 10:20 20:30; 20; 0; 0-20x2 20-30x1",
        "0:10 15:20; 100; 0; 0-10x1 15-20x1",
        "0:10 15:20; 100; 5; 0-20x2",
        "0:10 0:10/5 10:20; 100; 0; 0-20x3",
        "0:50 50:60; 10; 0; 0-50x1 50-60x1",
        "5:10; 1; 0; 5-10x1"
      })
  void partition_table(String spec, long max, long gap, String expected) {
    assertEquals(expected, describe(new RangeCoalescer(max, gap).partition(chunks(spec))));
  }

  @ParameterizedTest(name = "{0} from {1} -> {2}")
  @CsvSource(
      delimiter = ';',
      value = {
        "0:10 10:20 20:30 30:40; 0; 0-40x4",
        "0:10 10:20 20:30 30:40; 2; 20-40x2",
        "0:10 10:20 25:30; 0; 0-20x2",
        "0:10 10:20 20:30 30:40; 3; 30-40x1"
      })
  void runFrom_table(String spec, int start, String expected) {
    List<TocChunk> c = chunks(spec);
    assertEquals(
        expected, describe(List.of(new RangeCoalescer(100, 0).runFrom(c, start, x -> true))));
  }

  @Test
  void runFrom_unwantedNeighbour_stopsThere() {
    List<TocChunk> c = chunks("0:10 10:20 20:30 30:40");
    FetchRun run = new RangeCoalescer(100, 0).runFrom(c, 0, x -> !x.equals(c.get(2)));
    assertEquals(2, run.chunks().size());
    assertEquals(20, run.end());
  }
}
