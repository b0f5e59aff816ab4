package dev.thaw.image.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ImageIndexTest {
  private static Descriptor manifest(char c, String platform) {
    return Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.parse("sha256:" + ("" + c).repeat(64)), 1)
        .withPlatform(Platform.parse(platform));
  }

  @Test
  void select_variants_prefersExactThenLoose() {
    ImageIndex index =
        ImageIndex.of(
            MediaTypes.OCI_INDEX,
            List.of(
                manifest('a', "linux/amd64"),
                manifest('b', "linux/arm/v6"),
                manifest('c', "linux/arm/v7"),
                manifest('d', "linux/arm64")),
            Map.of());
    assertEquals(
        'a', index.select(Platform.parse("linux/amd64")).orElseThrow().digest().hex().charAt(0));
    assertEquals(
        'c', index.select(Platform.parse("linux/arm/v7")).orElseThrow().digest().hex().charAt(0));
    assertEquals(
        'd', index.select(Platform.parse("linux/arm64/v8")).orElseThrow().digest().hex().charAt(0));
    assertTrue(index.select(Platform.parse("linux/s390x")).isEmpty());
  }

  @Test
  void parse_dockerManifestList_readsPlatforms() throws Exception {
    String json =
        """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
         "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
           "digest":"sha256:%s","size":7,
           "platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}
        """
            .formatted("e".repeat(64));
    ManifestContent content = ManifestContent.of(json.getBytes(StandardCharsets.UTF_8), null);
    assertTrue(content.isIndex());
    ImageIndex index = content.asIndex();
    assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, index.mediaType());
    assertEquals(
        Platform.of("linux", "arm64", "v8"), index.manifests().get(0).platform().orElseThrow());
    assertTrue(index.select(Platform.parse("linux/arm64")).isPresent());
  }

  @Test
  void configWithDiffIds_unknownFields_preserved() throws Exception {
    String json =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\"]},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]},"
            + "\"history\":[{\"created_by\":\"RUN x\",\"empty_layer\":true}]}";
    ImageConfig config =
        ImageConfig.parse(json.formatted("1".repeat(64)).getBytes(StandardCharsets.UTF_8));
    assertEquals(1, config.diffIds().size());
    assertTrue(config.history().get(0).emptyLayer());
    Digest other = Digest.parse("sha256:" + "2".repeat(64));
    ImageConfig rewritten = config.withDiffIds(List.of(other));
    assertEquals(List.of(other), rewritten.diffIds());
    assertTrue(new String(rewritten.bytes(), StandardCharsets.UTF_8).contains("\"Env\":[\"A=1\"]"));
    assertEquals(Platform.parse("linux/amd64"), rewritten.platform());
  }
}
