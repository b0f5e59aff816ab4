package dev.thaw.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.RegistryReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Faults a real registry cannot produce, from an in-process HTTP server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegistryClientFaultTest {
  private static final byte[] MANIFEST =
      ("{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_MANIFEST
              + "\",\"config\":{\"mediaType\":\""
              + MediaTypes.OCI_CONFIG
              + "\",\"digest\":\"sha256:"
              + "a".repeat(64)
              + "\",\"size\":2},\"layers\":[]}")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] BLOB = new byte[100_000];

  static {
    new Random(3).nextBytes(BLOB);
  }

  private static final Digest BLOB_DIGEST = Digest.sha256(BLOB);
  private static final String BLOB_PATH = "/v2/r/blobs/" + BLOB_DIGEST;

  private FakeHttpServer server;
  private RegistryReference ref;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    server = new FakeHttpServer();
    ref = RegistryReference.parse(server.host() + "/r:t");
    client =
        RegistryClient.builder()
            .retryPolicy(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)))
            .credentials(CredentialStore.of(Map.of(server.host(), new Credentials("u", "pw"))))
            .build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RegistryBlobSource blobSource() {
    return client.blobSource(
        ref, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, BLOB_DIGEST, BLOB.length));
  }

  @Test
  void fetchManifest_503Then429ThenOk_retriedToSuccess() throws Exception {
    server.route(
        "/v2/r/manifests/",
        (ex, hit) -> {
          if (hit == 1) {
            FakeHttpServer.send(ex, 503, "busy");
          } else if (hit == 2) {
            ex.getResponseHeaders().set("Retry-After", "0");
            FakeHttpServer.send(ex, 429, "slow down");
          } else {
            ex.getResponseHeaders().set("Content-Type", MediaTypes.OCI_MANIFEST);
            FakeHttpServer.send(ex, 200, MANIFEST);
          }
        });
    ManifestContent content = client.fetchManifest(ref);
    assertEquals(Digest.sha256(MANIFEST), content.digest());
    assertEquals(3, server.hits("/v2/r/manifests/"));
  }

  @Test
  void fetchManifest_always500_unavailableAfterBoundedAttempts() {
    server.route("/v2/r/manifests/", (ex, hit) -> FakeHttpServer.send(ex, 500, "{\"errors\":[]}"));
    RegistryUnavailableException e =
        assertThrows(RegistryUnavailableException.class, () -> client.fetchManifest(ref));
    assertEquals(4, server.hits("/v2/r/manifests/"));
    assertTrue(e.getMessage().contains("fetch manifest " + ref), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
    assertTrue(e.getMessage().contains("gave up after 4 attempts"), e.getMessage());
  }

  @Test
  void fetchManifest_connectionRefused_unavailable() throws Exception {
    RegistryReference dead = RegistryReference.parse("127.0.0.1:1/r:t");
    RegistryUnavailableException e =
        assertThrows(RegistryUnavailableException.class, () -> client.fetchManifest(dead));
    assertTrue(e.getMessage().contains("127.0.0.1:1/r:t"), e.getMessage());
  }

  @Test
  void read_redirect_targetReusedAndRefreshedOn403() throws Exception {
    AtomicInteger signature = new AtomicInteger(1);
    server.route(
        "/v2/r/blobs/",
        (ex, hit) -> {
          ex.getResponseHeaders().set("Location", "/storage/blob?sig=" + signature.get());
          FakeHttpServer.send(ex, 307, "");
        });
    server.route(
        "/storage/",
        (ex, hit) -> {
          String sig = ex.getRequestURI().getQuery();
          if (!sig.equals("sig=" + signature.get())) {
            FakeHttpServer.send(ex, 403, "expired");
          } else {
            FakeHttpServer.serveSingleRange(ex, BLOB);
          }
        });
    RegistryBlobSource source = blobSource();
    assertArrayEquals(Arrays.copyOfRange(BLOB, 10, 20), source.read(10, 10));
    assertArrayEquals(Arrays.copyOfRange(BLOB, 500, 1500), source.read(500, 1000));
    assertEquals(1, server.hits("/v2/r/blobs/"), "second range goes straight to storage");
    assertEquals(2, server.hits("/storage/"));
    signature.set(2);
    assertArrayEquals(Arrays.copyOfRange(BLOB, 99_000, 100_000), source.read(99_000, 1000));
    assertEquals(2, server.hits("/v2/r/blobs/"), "a 403 from storage re-resolves once");
    assertTrue(source.redirectTarget().toString().endsWith("sig=2"));
    for (FakeHttpServer.Request r : server.requests) {
      if (r.path().startsWith("/storage/")) {
        assertNull(r.authorization(), "no credentials sent to the redirect target");
      }
    }
  }

  @Test
  void fetchManifest_bearerChallenge_tokenFetchedOnceAndReused() throws Exception {
    String basic =
        "Basic " + Base64.getEncoder().encodeToString("u:pw".getBytes(StandardCharsets.UTF_8));
    server.route(
        "/token",
        (ex, hit) -> {
          String q = ex.getRequestURI().getQuery();
          if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))
              || !q.contains("service=fake")
              || !q.contains("scope=repository:r:pull")) {
            FakeHttpServer.send(ex, 401, "bad token request " + q);
            return;
          }
          FakeHttpServer.send(ex, 200, "{\"token\":\"tok-" + hit + "\",\"expires_in\":300}");
        });
    server.route(
        "/v2/r/manifests/",
        (ex, hit) -> {
          if (!"Bearer tok-1".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders()
                .set(
                    "WWW-Authenticate",
                    "Bearer realm=\"http://"
                        + server.host()
                        + "/token\",service=\"fake\",scope=\"repository:r:pull\"");
            FakeHttpServer.send(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}");
            return;
          }
          FakeHttpServer.send(ex, 200, MANIFEST);
        });
    client.fetchManifest(ref);
    client.fetchManifest(ref);
    assertEquals(1, server.hits("/token"));
    assertEquals(3, server.hits("/v2/r/manifests/"), "one 401, then two authorized GETs");
  }

  @Test
  void fetchManifest_tokenEndpointRefuses_unauthorized() {
    server.route("/token", (ex, hit) -> FakeHttpServer.send(ex, 401, "no"));
    server.route(
        "/v2/r/manifests/",
        (ex, hit) -> {
          ex.getResponseHeaders()
              .set(
                  "WWW-Authenticate",
                  "Bearer realm=\"http://" + server.host() + "/token\",service=\"fake\"");
          FakeHttpServer.send(ex, 401, "");
        });
    RegistryUnauthorizedException e =
        assertThrows(RegistryUnauthorizedException.class, () -> client.fetchManifest(ref));
    assertTrue(e.getMessage().contains("get token for repository:r:pull"), e.getMessage());
  }

  @Test
  void readRanges_multiRangeIgnoredWith200_fallsBackToSingleRangesForGood() throws Exception {
    server.route(
        BLOB_PATH,
        (ex, hit) -> {
          String range = ex.getRequestHeaders().getFirst("Range");
          if (range != null && range.contains(",")) {
            FakeHttpServer.send(ex, 200, BLOB);
          } else {
            FakeHttpServer.serveSingleRange(ex, BLOB);
          }
        });
    assertMultiRangeFallsBack();
  }

  @Test
  void readRanges_multiRangeRefusedWith416_fallsBackToSingleRangesForGood() throws Exception {
    server.route(
        BLOB_PATH,
        (ex, hit) -> {
          String range = ex.getRequestHeaders().getFirst("Range");
          if (range != null && range.contains(",")) {
            ex.getResponseHeaders().set("Content-Range", "bytes */" + BLOB.length);
            FakeHttpServer.send(ex, 416, "");
          } else {
            FakeHttpServer.serveSingleRange(ex, BLOB);
          }
        });
    assertMultiRangeFallsBack();
  }

  private void assertMultiRangeFallsBack() throws Exception {
    RegistryBlobSource source = blobSource();
    List<ByteRange> ranges =
        List.of(new ByteRange(5, 10), new ByteRange(50_000, 7), new ByteRange(0, 1));
    for (int round = 0; round < 2; round++) {
      List<byte[]> got = source.readRanges(ranges);
      for (int i = 0; i < ranges.size(); i++) {
        ByteRange r = ranges.get(i);
        assertArrayEquals(Arrays.copyOfRange(BLOB, (int) r.offset(), (int) r.end()), got.get(i));
      }
    }
    assertTrue(source.multiRangeRefused());
    long multi =
        server.requests.stream().filter(r -> r.range() != null && r.range().contains(",")).count();
    assertEquals(1, multi, "multi-range tried once only");
    assertEquals(7, server.requests.size());
  }

  @Test
  void readRanges_multipartResponse_parsedBinarySafe() throws Exception {
    server.route(
        BLOB_PATH,
        (ex, hit) -> {
          // Parts out of order, boundary-like bytes inside the data.
          String boundary = "THAW_BOUNDARY";
          java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
          for (int[] r : new int[][] {{50_000, 50_006}, {5, 14}}) {
            body.writeBytes(
                ("\r\n--"
                        + boundary
                        + "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes "
                        + r[0]
                        + "-"
                        + r[1]
                        + "/"
                        + BLOB.length
                        + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            body.write(BLOB, r[0], r[1] - r[0] + 1);
          }
          body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
          ex.getResponseHeaders().set("Content-Type", "multipart/byteranges; boundary=" + boundary);
          FakeHttpServer.send(ex, 206, body.toByteArray());
        });
    List<ByteRange> ranges =
        List.of(new ByteRange(5, 10), new ByteRange(50_000, 7), new ByteRange(6, 2));
    List<byte[]> got = blobSource().readRanges(ranges);
    for (int i = 0; i < ranges.size(); i++) {
      ByteRange r = ranges.get(i);
      assertArrayEquals(Arrays.copyOfRange(BLOB, (int) r.offset(), (int) r.end()), got.get(i));
    }
    assertEquals(1, server.requests.size());
  }

  @Test
  void read_stalledThenTruncatedBody_retriedWithinTimeout() throws Exception {
    RegistryClient impatient =
        RegistryClient.builder()
            .retryPolicy(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)))
            .requestTimeout(Duration.ofMillis(500))
            .build();
    server.route(
        BLOB_PATH,
        (ex, hit) -> {
          if (hit <= 2) {
            ex.getResponseHeaders().set("Content-Range", "bytes 0-999/" + BLOB.length);
            ex.sendResponseHeaders(206, 1000);
            ex.getResponseBody().write(BLOB, 0, 10);
            ex.getResponseBody().flush();
            if (hit == 1) {
              sleepQuietly(5_000); // stall: headers and 10 bytes, then nothing
            }
            return; // hit 2: truncated, the connection closes after 10 of 1000 bytes
          }
          FakeHttpServer.serveSingleRange(ex, BLOB);
        });
    long start = System.nanoTime();
    byte[] got =
        impatient
            .blobSource(ref, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, BLOB_DIGEST, BLOB.length))
            .read(0, 1000);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertArrayEquals(Arrays.copyOfRange(BLOB, 0, 1000), got);
    assertEquals(3, server.hits(BLOB_PATH));
    assertTrue(millis < 4_000, "stall cut off by the request timeout, took " + millis + " ms");
  }

  @Test
  void openRange_streamsExactlyTheRange() throws Exception {
    server.route(BLOB_PATH, (ex, hit) -> FakeHttpServer.serveSingleRange(ex, BLOB));
    try (java.io.InputStream in = blobSource().openRange(1000, 50_000)) {
      assertArrayEquals(Arrays.copyOfRange(BLOB, 1000, 51_000), in.readAllBytes());
    }
    assertEquals(1, server.hits(BLOB_PATH));
  }

  @Test
  void openRange_serverSendsWiderRange_skipsToTheAskedBytes() throws Exception {
    server.route(
        BLOB_PATH,
        (ex, hit) -> {
          ex.getResponseHeaders().set("Content-Range", "bytes 0-9999/" + BLOB.length);
          FakeHttpServer.send(ex, 206, Arrays.copyOf(BLOB, 10_000));
        });
    try (java.io.InputStream in = blobSource().openRange(500, 1000)) {
      assertArrayEquals(Arrays.copyOfRange(BLOB, 500, 1500), in.readAllBytes());
    }
  }

  @Test
  void openRange_stalledBody_readFailsAfterTheRequestTimeout() throws Exception {
    RegistryClient impatient =
        RegistryClient.builder()
            .retryPolicy(new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(5)))
            .requestTimeout(Duration.ofMillis(500))
            .build();
    server.route(
        BLOB_PATH,
        (ex, hit) -> {
          ex.getResponseHeaders().set("Content-Range", "bytes 0-999/" + BLOB.length);
          ex.sendResponseHeaders(206, 1000);
          ex.getResponseBody().write(BLOB, 0, 10);
          ex.getResponseBody().flush();
          sleepQuietly(5_000); // headers and 10 bytes, then nothing
        });
    long start = System.nanoTime();
    try (java.io.InputStream in =
        impatient
            .blobSource(ref, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, BLOB_DIGEST, BLOB.length))
            .openRange(0, 1000)) {
      assertArrayEquals(Arrays.copyOf(BLOB, 10), in.readNBytes(10));
      java.io.IOException e = assertThrows(java.io.IOException.class, in::read);
      assertTrue(e.getMessage().contains("no bytes for"), e.getMessage());
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 4_000, "stall cut off by the request timeout, took " + millis + " ms");
  }

  @Test
  void openRange_truncatedBody_failsWithEof() throws Exception {
    server.route(
        BLOB_PATH,
        (ex, hit) -> {
          ex.getResponseHeaders().set("Content-Range", "bytes 0-999/" + BLOB.length);
          ex.sendResponseHeaders(206, 1000);
          ex.getResponseBody().write(BLOB, 0, 10);
          ex.getResponseBody().flush(); // then the connection closes after 10 of 1000 bytes
        });
    try (java.io.InputStream in = blobSource().openRange(0, 1000)) {
      assertThrows(java.io.IOException.class, in::readAllBytes);
    }
  }

  @Test
  void openRange_missingBlob_failsNamingTheRange() {
    server.route(BLOB_PATH, (ex, hit) -> FakeHttpServer.send(ex, 404, "{}"));
    BlobNotFoundException e =
        assertThrows(BlobNotFoundException.class, () -> blobSource().openRange(0, 100));
    assertTrue(e.getMessage().contains(BLOB_DIGEST.toString()), e.getMessage());
  }

  @Test
  void openRange_rangeIgnoredOnSmallBlob_servedFromTheWholeBody() throws Exception {
    server.route(BLOB_PATH, (ex, hit) -> FakeHttpServer.send(ex, 200, BLOB));
    try (java.io.InputStream in = blobSource().openRange(90_000, 10_000)) {
      assertArrayEquals(Arrays.copyOfRange(BLOB, 90_000, 100_000), in.readAllBytes());
    }
  }

  @Test
  void openRange_pastTheEnd_eof() {
    assertThrows(java.io.EOFException.class, () -> blobSource().openRange(99_000, 2000));
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
