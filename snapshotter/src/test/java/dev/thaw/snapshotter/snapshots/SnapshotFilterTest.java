package dev.thaw.snapshotter.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.thaw.snapshotter.metadata.Kind;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SnapshotFilterTest {

  static final SnapshotInfo INFO =
      new SnapshotInfo(
          "sha256:abc",
          "p1",
          Kind.COMMITTED,
          Instant.EPOCH,
          Instant.EPOCH,
          Map.of("containerd.io/snapshot.ref", "sha256:abc", "plain", "x y"));

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "kind==committed|true",
        "kind==active|false",
        "kind!=active|true",
        "name==sha256:abc|true",
        "name~=^sha256:a|true",
        "parent==p1,kind==committed|true",
        "parent==p1,kind==view|false",
        "labels.\"containerd.io/snapshot.ref\"|true",
        "labels.\"containerd.io/snapshot.ref\"==sha256:abc|true",
        "labels.missing|false",
        "labels.missing!=x|false",
        "labels.plain==\"x y\"|true",
        " kind == committed |true",
        "unknown==x|false",
      })
  void matches_expression_expected(String expression, boolean expected) throws Exception {
    assertEquals(expected, SnapshotFilter.parse(expression).matches(INFO));
  }

  @ParameterizedTest
  @ValueSource(strings = {"==x", "kind==", "labels.\"open", "name~=(", "kind==a b", "kind.="})
  void parse_malformed_throwsInvalidArgument(String expression) {
    assertThrows(InvalidSnapshotArgumentException.class, () -> SnapshotFilter.parse(expression));
  }
}
