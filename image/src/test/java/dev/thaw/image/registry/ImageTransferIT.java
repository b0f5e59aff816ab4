package dev.thaw.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.layout.OciLayoutImageSink;
import dev.thaw.image.layout.OciLayoutImageSource;
import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ImageConfig;
import dev.thaw.image.oci.ImageIndex;
import dev.thaw.image.oci.ImageSink;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.oci.LayoutReference;
import dev.thaw.image.oci.Manifest;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.Platform;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.testimages.registry.RegistryExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Copies a two-platform image registry → OCI layout → registry, and checks it with skopeo. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ImageTransferIT {
  @RegisterExtension static final RegistryExtension registry = new RegistryExtension();

  @TempDir Path tmp;

  private static ManifestContent platformImage(ImageSink sink, Platform platform, long seed)
      throws Exception {
    byte[] layer = new byte[200_000];
    new Random(seed).nextBytes(layer);
    Descriptor layerDesc = Descriptor.ofContent(MediaTypes.OCI_LAYER_GZIP, layer);
    ImageConfig config = ImageConfig.of(platform, List.of(layerDesc.digest()));
    Descriptor configDesc = config.descriptor(MediaTypes.OCI_CONFIG);
    sink.putBlob(layerDesc, BlobContent.ofBytes(layer));
    sink.putBlob(configDesc, BlobContent.ofBytes(config.bytes()));
    ManifestContent m =
        Manifest.of(MediaTypes.OCI_MANIFEST, configDesc, List.of(layerDesc), Map.of()).content();
    sink.putManifest(m);
    return m;
  }

  /** What the converter does, minus the conversion: copy everything under the root. */
  private static void copy(ImageSource from, ImageSink to) throws Exception {
    ManifestContent root = from.root();
    if (root.isIndex()) {
      for (Descriptor d : root.asIndex().manifests()) {
        copyManifest(from, to, from.manifest(d));
      }
    } else {
      copyManifest(from, to, root);
    }
    to.tagManifest(root);
  }

  private static void copyManifest(ImageSource from, ImageSink to, ManifestContent content)
      throws Exception {
    Manifest m = content.asManifest();
    to.copyBlob(from, m.config());
    for (Descriptor layer : m.layers()) {
      to.copyBlob(from, layer);
    }
    to.putManifest(content);
  }

  @Test
  void copy_registryToLayoutToRegistry_sameDigests() throws Exception {
    RegistryClient client = RegistryClient.builder().build();
    RegistryReference src = RegistryReference.parse(registry.host() + "/thaw/multi:v1");
    RegistryImageSink srcSink = new RegistryImageSink(client, src);
    ManifestContent amd = platformImage(srcSink, Platform.parse("linux/amd64"), 1);
    ManifestContent arm = platformImage(srcSink, Platform.parse("linux/arm64/v8"), 2);
    ImageIndex index =
        ImageIndex.of(
            MediaTypes.OCI_INDEX,
            List.of(
                amd.descriptor().withPlatform(Platform.parse("linux/amd64")),
                arm.descriptor().withPlatform(Platform.parse("linux/arm64/v8"))),
            Map.of());
    srcSink.tagManifest(index.content());

    LayoutReference layout = new LayoutReference(tmp.resolve("layout"), "v1");
    copy(new RegistryImageSource(client, src), OciLayoutImageSink.openOrCreate(layout));

    RegistryReference dst = RegistryReference.parse(registry.host() + "/thaw/copy:v2");
    copy(OciLayoutImageSource.open(layout), new RegistryImageSink(client, dst));

    ManifestContent back = client.fetchManifest(dst);
    assertEquals(index.digest(), back.digest());
    Descriptor armDesc = back.asIndex().select(Platform.parse("linux/arm64")).orElseThrow();
    assertEquals(arm.digest(), armDesc.digest());
    Manifest armManifest = client.fetchManifest(dst.withDigest(armDesc.digest())).asManifest();
    assertArrayEquals(
        new RegistryImageSource(client, src).readBlob(armManifest.layers().get(0)),
        client.fetchBlob(dst, armManifest.layers().get(0)));

    // Registry-to-registry in the same registry mounts instead of uploading.
    RegistryReference mounted = RegistryReference.parse(registry.host() + "/thaw/mounted:v1");
    copy(new RegistryImageSource(client, dst), new RegistryImageSink(client, mounted));
    assertEquals(index.digest(), client.fetchManifest(mounted).digest());

    // skopeo (the reference tooling) accepts both the layout and the pushed image.
    String layoutJson = skopeo("inspect", "--raw", "oci:" + layout.directory() + ":v1");
    assertEquals(new String(index.bytes(), StandardCharsets.UTF_8), layoutJson.strip());
    String config =
        skopeo(
            "inspect",
            "--tls-verify=false",
            "--override-arch=arm64",
            "--override-variant=v8",
            "--config",
            "docker://" + mounted);
    assertTrue(config.contains("\"architecture\": \"arm64\""), config);
  }

  private static String skopeo(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("skopeo"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "skopeo timed out");
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
    return out;
  }
}
