package dev.thaw.indexer;

import static dev.thaw.testimages.TestLayers.dir;
import static dev.thaw.testimages.TestLayers.file;
import static dev.thaw.testimages.TestLayers.hardlink;
import static dev.thaw.testimages.TestLayers.opaque;
import static dev.thaw.testimages.TestLayers.randomFile;
import static dev.thaw.testimages.TestLayers.symlink;
import static dev.thaw.testimages.TestLayers.textFile;
import static dev.thaw.testimages.TestLayers.whiteout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.layout.OciLayoutImageSource;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ImageConfig;
import dev.thaw.image.oci.ImageReference;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.oci.LayoutReference;
import dev.thaw.image.oci.Manifest;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.RegistryClient;
import dev.thaw.image.registry.RegistryImageSource;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import dev.thaw.image.toc.TocNode;
import dev.thaw.image.toc.TocPaths;
import dev.thaw.testimages.TestLayers;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Round trips through a real registry and OCI layouts, then verify, inspect and read-back. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConvertIT {
  @RegisterExtension static final RegistryExtension registry = new RegistryExtension();

  @TempDir Path tmp;

  private final RegistryClient client = RegistryClient.builder().build();

  /** Three layers: a base with every kind of entry, one compressed with zstd, one of text. */
  static TestImage image() {
    byte[] base =
        TestLayers.tar(
            dir("bin/"),
            file("bin/sh", TestLayers.randomBytes(70_000, 1)),
            hardlink("bin/bash", "bin/sh"),
            symlink("bin/ls", "/usr/bin/ls"),
            dir("etc/"),
            file("etc/hosts", "127.0.0.1 localhost\n").withMode(0600).withOwner(10, 20),
            file("etc/empty", new byte[0]),
            file("etc/unicodé-файл-文件", "unicode\n"),
            file("etc/" + "l".repeat(255), "long name\n"),
            dir("models/"),
            randomFile("models/weights.bin", 9 * 1024 * 1024 + 123, 7));
    byte[] second =
        TestLayers.tar(
            dir("etc/"), whiteout("etc/empty"), opaque("models"), file("etc/motd", "hi\n"));
    byte[] third = TestLayers.tar(dir("usr/"), textFile("usr/readme.txt", 300_000, 3));
    return TestImage.of(List.of(base, second, third), 1);
  }

  private RegistryReference push(TestImage image, String repo) throws IOException {
    RegistryReference ref = RegistryReference.parse(registry.host() + "/" + repo + ":v1");
    image.push(client, ref);
    return ref;
  }

  @Test
  void convert_registryToRegistry_verifiesInspectsAndReadsBack() throws Exception {
    TestImage image = image();
    RegistryReference src = push(image, "app/src");
    String dst = registry.host() + "/app/dst:v1";

    Cli inspectSource = Cli.run("inspect", src.toString());
    assertEquals(0, inspectSource.exitCode(), inspectSource.toString());
    assertTrue(inspectSource.out().contains("format: not seekable"), inspectSource.out());
    Cli verifySource = Cli.run("verify", src.toString());
    assertEquals(1, verifySource.exitCode(), verifySource.toString());
    assertTrue(verifySource.errorLine().contains("not a seekable layer"), verifySource.toString());

    Cli convert = Cli.run("convert", src.toString(), dst);
    assertEquals(0, convert.exitCode(), convert.toString());
    assertTrue(convert.out().strip().startsWith(dst + "@sha256:"), convert.toString());

    Cli verify = Cli.run("verify", dst);
    assertEquals(0, verify.exitCode(), verify.toString());
    assertTrue(verify.out().contains("3 layers"), verify.toString());

    Cli inspect = Cli.run("inspect", dst);
    assertEquals(0, inspect.exitCode(), inspect.toString());
    assertTrue(inspect.out().contains("format: estargz"), inspect.out());
    assertTrue(inspect.out().contains("matches the annotation"), inspect.out());
    assertTrue(inspect.out().contains("prefetch: none (.no.prefetch.landmark)"), inspect.out());

    try (ImageSource out = new RegistryImageSource(client, RegistryReference.parse(dst))) {
      assertSameContent(image, out, MediaTypes.OCI_LAYER_GZIP);
    }

    // An already seekable source is rewritten too (its TOC must follow our options).
    String again = registry.host() + "/app/again:v1";
    Cli reconvert = Cli.run("convert", "--chunk-size", "512KiB", dst, again);
    assertEquals(0, reconvert.exitCode(), reconvert.toString());
    assertEquals(0, Cli.run("verify", again).exitCode());
    try (ImageSource out = new RegistryImageSource(client, RegistryReference.parse(again))) {
      assertSameContent(image, out, MediaTypes.OCI_LAYER_GZIP);
    }
  }

  @Test
  void convert_layoutToRegistryWithPrefetch_putsHotFilesFirst() throws Exception {
    TestImage image = image();
    Path layout = tmp.resolve("src-layout");
    image.writeLayout(layout, "v1");
    Path prefetch = tmp.resolve("prefetch.txt");
    Files.writeString(prefetch, "# start-up\n/etc/hosts\nbin/*\n");
    String dst = registry.host() + "/app/prefetched:v1";

    Cli convert =
        Cli.run(
            "convert",
            "--prefetch",
            prefetch.toString(),
            "--chunk-size",
            "1MiB",
            "oci:" + layout + ":v1",
            dst);
    assertEquals(0, convert.exitCode(), convert.toString());

    Cli inspect = Cli.run("inspect", dst);
    assertEquals(0, inspect.exitCode(), inspect.toString());
    assertTrue(
        inspect.out().contains("prefetch: 2 files before .prefetch.landmark: etc/hosts, bin/sh"),
        inspect.out());
    assertEquals(0, Cli.run("verify", dst).exitCode());
    try (ImageSource out = new RegistryImageSource(client, RegistryReference.parse(dst))) {
      assertSameContent(image, out, MediaTypes.OCI_LAYER_GZIP);
    }
  }

  @Test
  void convert_registryToLayout_verifiesFromLayout() throws Exception {
    TestImage image = image();
    RegistryReference src = push(image, "app/tolayout");
    Path layout = tmp.resolve("dst-layout");

    Cli convert = Cli.run("convert", src.toString(), "oci:" + layout + ":conv");
    assertEquals(0, convert.exitCode(), convert.toString());
    Cli verify = Cli.run("verify", "oci:" + layout + ":conv");
    assertEquals(0, verify.exitCode(), verify.toString());
    try (ImageSource out =
        OciLayoutImageSource.open(
            (LayoutReference) ImageReference.parse("oci:" + layout + ":conv"))) {
      assertSameContent(image, out, MediaTypes.OCI_LAYER_GZIP);
    }
  }

  @Test
  void convert_multiPlatformIndex_convertsSelectedPlatforms() throws Exception {
    RegistryReference repo = RegistryReference.parse(registry.host() + "/app/multi:v1");
    List<Descriptor> entries = new java.util.ArrayList<>();
    for (String arch : List.of("amd64", "arm64")) {
      TestImage img =
          TestImage.of(
              dev.thaw.image.oci.Platform.of("linux", arch, ""),
              List.of(TestLayers.tar(file("etc/arch", arch))));
      img.push(client, repo.withDigest(img.manifest().digest()));
      entries.add(
          img.manifest()
              .descriptor()
              .withPlatform(dev.thaw.image.oci.Platform.of("linux", arch, "")));
    }
    client.pushManifest(
        repo,
        dev.thaw.image.oci.ImageIndex.of(MediaTypes.OCI_INDEX, entries, java.util.Map.of("x", "y"))
            .content());

    String all = registry.host() + "/app/multi-all:v1";
    Cli convertAll = Cli.run("convert", repo.toString(), all);
    assertEquals(0, convertAll.exitCode(), convertAll.toString());
    var index = client.fetchManifest(RegistryReference.parse(all)).asIndex();
    assertEquals(2, index.manifests().size());
    assertEquals("y", index.annotations().get("x"));
    assertEquals(0, Cli.run("verify", all).exitCode());

    String arm = registry.host() + "/app/multi-arm:v1";
    Cli convertArm = Cli.run("convert", "--platform", "linux/arm64", repo.toString(), arm);
    assertEquals(0, convertArm.exitCode(), convertArm.toString());
    var armIndex = client.fetchManifest(RegistryReference.parse(arm)).asIndex();
    assertEquals(1, armIndex.manifests().size());
    assertEquals("arm64", armIndex.manifests().get(0).platform().orElseThrow().architecture());

    Cli none = Cli.run("convert", "--platform", "linux/s390x", repo.toString(), arm + "-none");
    assertEquals(1, none.exitCode(), none.toString());
    assertTrue(none.errorLine().contains("no manifest of the index matches"), none.toString());
  }

  @Test
  void convert_zstdChunkedToLayout_verifiesAndReadsBack() throws Exception {
    TestImage image = image();
    RegistryReference src = push(image, "app/zstd");
    Path layout = tmp.resolve("zstd-layout");

    Cli convert =
        Cli.run("convert", "--format", "zstd-chunked", src.toString(), "oci:" + layout + ":z");
    assertEquals(0, convert.exitCode(), convert.toString());
    Cli verify = Cli.run("verify", "oci:" + layout + ":z");
    assertEquals(0, verify.exitCode(), verify.toString());
    Cli inspect = Cli.run("inspect", "oci:" + layout + ":z");
    assertTrue(inspect.out().contains("format: zstd:chunked"), inspect.out());
    try (ImageSource out =
        OciLayoutImageSource.open((LayoutReference) ImageReference.parse("oci:" + layout + ":z"))) {
      assertSameContent(image, out, MediaTypes.OCI_LAYER_ZSTD);
      Descriptor first = out.root().asManifest().layers().get(0);
      assertTrue(
          first.annotation(LayerAnnotations.ZSTD_MANIFEST_CHECKSUM).isPresent(), first.toString());
    }
  }

  /**
   * Every entry of every source layer is in the converted layer's TOC with the same metadata, and
   * every regular file read back through the TOC (chunk by chunk) has the source's bytes; the
   * manifest keeps its other fields and the config its history.
   */
  static void assertSameContent(TestImage source, ImageSource converted, String layerType)
      throws IOException {
    Manifest m = converted.root().asManifest();
    assertEquals("yes", m.annotations().get("org.example.kept"));
    byte[] configBytes = converted.readBlob(m.config());
    ImageConfig config = ImageConfig.parse(configBytes);
    String configText = new String(configBytes, java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(configText.contains("thaw test"), configText);
    assertTrue(configText.contains("x-thaw-unknown"), configText);
    assertEquals(1, config.history().size(), configText);
    assertEquals(source.layerTars().size(), m.layers().size());
    for (int i = 0; i < m.layers().size(); i++) {
      Descriptor layer = m.layers().get(i);
      assertEquals(layerType, layer.mediaType());
      assertTrue(layer.annotation(LayerAnnotations.TOC_DIGEST).isPresent(), layer.toString());
      assertNotEquals(source.manifest().layers().get(i).digest(), layer.digest());
      assertEquals(config.diffIds().size(), m.layers().size());
      try (BlobSource blob = converted.blobSource(layer)) {
        OpenedLayer opened =
            SeekableLayers.open(
                blob,
                Optional.of(
                    dev.thaw.image.oci.Digest.parse(
                        layer.annotation(LayerAnnotations.TOC_DIGEST).get())),
                layer.digest().toString());
        assertLayerMatches(source.layerTars().get(i), opened);
      }
    }
  }

  private static void assertLayerMatches(byte[] tar, OpenedLayer layer) throws IOException {
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        String path = TocPaths.normalize(e.getName()).orElseThrow();
        TocNode node =
            layer.index().lookup(path).orElseThrow(() -> new AssertionError("missing " + path));
        TocEntry t = node.entry();
        if (e.isLink()) {
          continue; // a hardlink resolves to its target's node, checked as the target
        }
        assertEquals(e.getMode() & 07777, t.mode() & 07777, path + " mode");
        assertEquals(e.getLongUserId(), t.uid(), path + " uid");
        assertEquals(e.getLongGroupId(), t.gid(), path + " gid");
        if (e.isSymbolicLink()) {
          assertEquals(TocEntryType.SYMLINK, t.type(), path);
          assertEquals(e.getLinkName(), t.linkName(), path);
        } else if (e.isDirectory()) {
          assertEquals(TocEntryType.DIR, t.type(), path);
        } else if (e.isFile()) {
          assertEquals(e.getSize(), t.size(), path + " size");
          ByteArrayOutputStream read = new ByteArrayOutputStream();
          for (TocChunk c : layer.index().chunks(node)) {
            read.write(layer.chunks().read(c));
          }
          assertArrayEquals(in.readAllBytes(), read.toByteArray(), path + " content");
        }
      }
    }
  }
}
