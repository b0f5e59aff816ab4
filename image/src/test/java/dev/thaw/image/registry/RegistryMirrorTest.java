package dev.thaw.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.RegistryReference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pulls through a mirror first, and around it when it fails. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegistryMirrorTest {
  private static final byte[] MANIFEST =
      ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\""
              + MediaTypes.OCI_CONFIG
              + "\",\"digest\":\"sha256:"
              + "a".repeat(64)
              + "\",\"size\":2},\"layers\":[]}")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] BLOB = new byte[50_000];

  static {
    new Random(5).nextBytes(BLOB);
  }

  private static final Digest BLOB_DIGEST = Digest.sha256(BLOB);

  private FakeHttpServer upstream;
  private FakeHttpServer mirror;
  private RegistryReference ref;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    upstream = serving(new FakeHttpServer());
    mirror = new FakeHttpServer();
    ref = RegistryReference.parse(upstream.host() + "/team/app:v1");
    client =
        RegistryClient.builder()
            .retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2)))
            .mirror(upstream.host(), URI.create("http://" + mirror.host() + "/"))
            .build();
  }

  private static FakeHttpServer serving(FakeHttpServer server) {
    server.route("/v2/team/app/manifests/", (ex, hit) -> FakeHttpServer.send(ex, 200, MANIFEST));
    server.route(
        "/v2/team/app/blobs/" + BLOB_DIGEST,
        (ex, hit) -> FakeHttpServer.serveSingleRange(ex, BLOB));
    return server;
  }

  @AfterEach
  void stop() {
    upstream.close();
    mirror.close();
  }

  private RegistryBlobSource blobSource() {
    return client.blobSource(
        ref, Descriptor.of(MediaTypes.OCI_LAYER_GZIP, BLOB_DIGEST, BLOB.length));
  }

  @Test
  void pull_mirrorHasContent_upstreamUntouched() throws Exception {
    serving(mirror);
    assertEquals(Digest.sha256(MANIFEST), client.fetchManifest(ref).digest());
    assertArrayEquals(Arrays.copyOfRange(BLOB, 100, 200), blobSource().read(100, 100));
    assertEquals(0, upstream.requests.size());
    for (FakeHttpServer.Request r : mirror.requests) {
      assertEquals("ns=" + upstream.host().replace(":", "%3A"), r.query(), r.path());
    }
  }

  @Test
  void pull_mirrorFailing_fallsBackToUpstreamAndSticksToIt() throws Exception {
    mirror.route("/v2/", (ex, hit) -> FakeHttpServer.send(ex, hit % 2 == 0 ? 503 : 404, "no"));
    assertEquals(Digest.sha256(MANIFEST), client.fetchManifest(ref).digest());
    RegistryBlobSource source = blobSource();
    assertArrayEquals(Arrays.copyOfRange(BLOB, 0, 10), source.read(0, 10));
    int mirrorHits = mirror.requests.size();
    assertArrayEquals(Arrays.copyOfRange(BLOB, 40_000, 50_000), source.read(40_000, 10_000));
    assertEquals(mirrorHits, mirror.requests.size(), "later ranges go to the endpoint that worked");
    assertTrue(upstream.hits("/v2/team/app/blobs/" + BLOB_DIGEST) == 2);
  }

  @Test
  void pushManifest_withMirror_goesUpstream() throws Exception {
    upstream.route("/v2/team/app/manifests/v2", (ex, hit) -> FakeHttpServer.send(ex, 201, ""));
    client.pushManifest(ref.withTag("v2"), dev.thaw.image.oci.ManifestContent.of(MANIFEST, null));
    assertEquals(0, mirror.requests.size());
  }
}
