package dev.thaw.snapshotter.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MetadataStoreTest {

  @TempDir Path tmp;

  @Test
  void write_bodyThrows_rollsBackEveryChange() throws Exception {
    try (MetadataStore store = MetadataStore.open(tmp.resolve("m.db"))) {
      store.write(tx -> tx.insert("a", "", Kind.COMMITTED, Instant.EPOCH, Map.of()));
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  store.write(tx -> {
                    tx.insert("b", "a", Kind.ACTIVE, Instant.EPOCH, Map.of("l", "v"));
                    tx.delete("a");
                    throw new IOException("injected");
                  }));
      assertEquals("injected", e.getMessage());
      assertEquals(1, store.read(tx -> tx.all()).size());
      assertTrue(store.read(tx -> tx.get("a")).isPresent());
    }
  }

  @Test
  void insert_duplicateKey_failsAndKeepsFirst() throws Exception {
    try (MetadataStore store = MetadataStore.open(tmp.resolve("m.db"))) {
      store.write(tx -> tx.insert("a", "", Kind.ACTIVE, Instant.EPOCH, Map.of("x", "1")));
      assertThrows(
          MetadataException.class,
          () -> store.write(tx -> tx.insert("a", "", Kind.ACTIVE, Instant.EPOCH, Map.of())));
      assertEquals(Map.of("x", "1"), store.read(tx -> tx.get("a")).orElseThrow().labels());
    }
  }

  @Test
  void reopen_recordsRoundTrip() throws Exception {
    Path db = tmp.resolve("m.db");
    SnapshotRecord r;
    try (MetadataStore store = MetadataStore.open(db)) {
      r =
          store.write(tx -> {
            SnapshotRecord a =
                tx.insert("a", "", Kind.ACTIVE, Instant.ofEpochSecond(5, 7), Map.of("k", "v"));
            SnapshotRecord c =
                new SnapshotRecord(
                    a.id(),
                    "c",
                    "",
                    Kind.COMMITTED,
                    a.createdAt(),
                    a.updatedAt(),
                    a.labels(),
                    true,
                    4096,
                    2);
            tx.update(c);
            return c;
          });
    }
    try (MetadataStore store = MetadataStore.open(db)) {
      assertEquals(r, store.read(tx -> tx.get("c")).orElseThrow());
      int children = store.read(tx -> tx.childCount("c"));
      assertEquals(0, children);
    }
  }
}
