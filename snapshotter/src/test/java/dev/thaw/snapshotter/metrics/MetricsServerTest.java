package dev.thaw.snapshotter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MetricsServerTest {

  @Test
  void scrape_afterRecording_showsEveryMetric() throws Exception {
    SnapshotterMetrics m = SnapshotterMetrics.inNewRegistry();
    m.fetched("on-demand", 4096, 2_000_000);
    m.cacheHit();
    m.cacheMiss();
    m.watchCache(() -> 123, () -> 2);
    m.remotePrepareSucceeded();
    m.remotePrepareFellBack();
    m.firstRead(5_000_000);
    m.fuseOperation("read", 20_000);
    assertEquals(4096, m.bytesFetched("on-demand"));
    try (MetricsServer server =
            MetricsServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), m.registry());
        HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      String body = r.body();
      for (String expected :
          new String[] {
            "thaw_fetch_bytes_total{class=\"on-demand\"} 4096",
            "thaw_cache_hits_total 1",
            "thaw_cache_bytes 123",
            "thaw_remote_prepares_total{result=\"fell-back\"} 1",
            "thaw_mount_first_read_seconds_count 1",
            "thaw_fetch_seconds_bucket",
            "thaw_fuse_operation_seconds_count{op=\"read\"} 1"
          }) {
        assertTrue(body.contains(expected), expected + " missing from\n" + body);
      }
    }
  }
}
