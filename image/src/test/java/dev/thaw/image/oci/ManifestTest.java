package dev.thaw.image.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ManifestTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);

  /** Docker schema2 as the Docker engine writes it: 3-space indent, vendor fields. */
  private static final String DOCKER =
      """
      {
         "schemaVersion": 2,
         "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                    "size": 10, "digest": "%s"},
         "layers": [
            {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 20,
             "digest": "%s", "x-vendor": {"k": [1, 2]}}
         ],
         "x-top": "kept"
      }
      """
          .formatted(A, B);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parse_dockerManifest_keepsExactBytesAndDigest() throws Exception {
    Manifest m = Manifest.parse(utf8(DOCKER));
    assertArrayEquals(utf8(DOCKER), m.bytes());
    assertEquals(Digest.sha256(utf8(DOCKER)), m.digest());
    assertEquals(MediaTypes.DOCKER_MANIFEST, m.mediaType());
    assertEquals(Digest.parse(A), m.config().digest());
    assertEquals(1, m.layers().size());
    assertEquals(20, m.layers().get(0).size());
  }

  @Test
  void withLayers_unknownFields_preserved() throws Exception {
    Manifest m = Manifest.parse(utf8(DOCKER));
    Descriptor newLayer =
        m.layers()
            .get(0)
            .withContent(MediaTypes.DOCKER_LAYER_GZIP, Digest.parse(C), 30)
            .withAnnotation("containerd.io/snapshot/stargz/toc.digest", A);
    Manifest rewritten = m.withLayers(List.of(newLayer));
    String json = new String(rewritten.bytes(), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"x-top\":\"kept\""), json);
    assertTrue(json.contains("\"x-vendor\":{\"k\":[1,2]}"), json);
    assertEquals(Digest.sha256(rewritten.bytes()), rewritten.digest());
    Manifest reread = Manifest.parse(rewritten.bytes());
    assertEquals(Digest.parse(C), reread.layers().get(0).digest());
    assertEquals(
        A, reread.layers().get(0).annotations().get("containerd.io/snapshot/stargz/toc.digest"));
    assertEquals(m.config(), reread.config());
  }

  @Test
  void parse_ociManifestWithoutMediaType_isOci() throws Exception {
    String json =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":2},\"layers\":[]}"
            .formatted(MediaTypes.OCI_CONFIG, A);
    ManifestContent content = ManifestContent.of(utf8(json), null);
    assertEquals(MediaTypes.OCI_MANIFEST, content.mediaType());
    assertFalse(content.isIndex());
    assertEquals(0, content.asManifest().layers().size());
  }

  @Test
  void parse_index_throwsNotAManifest() {
    String json = "{\"schemaVersion\":2,\"manifests\":[]}";
    OciFormatException e = assertThrows(OciFormatException.class, () -> Manifest.parse(utf8(json)));
    assertTrue(e.getMessage().contains("not a manifest"), e.getMessage());
  }

  @Test
  void parse_garbage_throwsFormatException() {
    assertThrows(OciFormatException.class, () -> Manifest.parse(utf8("not json")));
    assertThrows(OciFormatException.class, () -> Manifest.parse(utf8("{\"schemaVersion\":2}")));
    assertThrows(
        OciFormatException.class,
        () ->
            Manifest.parse(
                utf8(
                    "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:zz\",\"size\":1}}")));
  }

  @Test
  void of_newManifest_parsesBack() throws Exception {
    Descriptor config = Descriptor.of(MediaTypes.OCI_CONFIG, Digest.parse(A), 5);
    Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.parse(B), 7);
    Manifest m = Manifest.of(MediaTypes.OCI_MANIFEST, config, List.of(layer), Map.of("k", "v"));
    Manifest back = Manifest.parse(m.bytes());
    assertEquals(List.of(layer), back.layers());
    assertEquals(Map.of("k", "v"), back.annotations());
    assertEquals(m.digest(), back.digest());
  }
}
