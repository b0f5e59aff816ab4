package dev.thaw.indexer;

import static dev.thaw.testimages.TestLayers.dir;
import static dev.thaw.testimages.TestLayers.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.Manifest;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.ManifestNotFoundException;
import dev.thaw.image.registry.RegistryClient;
import dev.thaw.testimages.TestLayers;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input: one line naming image, layer and entry, exit 1, nothing pushed under DST. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConvertFailuresIT {
  @RegisterExtension static final RegistryExtension registry = new RegistryExtension();

  private static final AtomicInteger names = new AtomicInteger();

  @TempDir Path tmp;

  private final RegistryClient client = RegistryClient.builder().build();

  private static final byte[] GOOD =
      TestLayers.tar(dir("etc/"), file("etc/hosts", "127.0.0.1 localhost\n"));

  private RegistryReference ref(String repo) {
    return RegistryReference.parse(registry.host() + "/" + repo + names.incrementAndGet() + ":v1");
  }

  private void assertNothingPushed(RegistryReference dst) {
    assertThrows(ManifestNotFoundException.class, () -> client.fetchManifest(dst));
  }

  private static void assertOneLineFailure(Cli cli, String... fragments) {
    assertEquals(1, cli.exitCode(), cli.toString());
    String line = cli.errorLine();
    assertTrue(line.startsWith("thaw-indexer convert: image "), cli.toString());
    for (String f : fragments) {
      assertTrue(line.contains(f), "'" + f + "' missing from: " + line);
    }
    assertFalse(cli.err().contains("\tat "), "stack trace without --debug: " + cli);
  }

  @Test
  void convert_artifactNotImage_failsNamingMediaType() throws Exception {
    RegistryReference src = ref("artifact");
    byte[] cfg = "{}".getBytes();
    Descriptor cfgDesc =
        Descriptor.of("application/vnd.example.config+json", Digest.sha256(cfg), 2);
    client.pushBlob(src, cfgDesc, BlobContent.ofBytes(cfg));
    client.pushManifest(
        src, Manifest.of(MediaTypes.OCI_MANIFEST, cfgDesc, List.of(), Map.of()).content());
    RegistryReference dst = ref("out");
    Cli cli = Cli.run("convert", src.toString(), dst.toString());
    assertOneLineFailure(cli, src.toString(), "not an image");
    assertNothingPushed(dst);
  }

  @Test
  void convert_missingTag_failsNamingReference() {
    RegistryReference src = ref("missing");
    RegistryReference dst = ref("out");
    Cli cli = Cli.run("convert", src.toString(), dst.toString());
    assertOneLineFailure(cli, src.toString());
    assertNothingPushed(dst);
  }

  @Test
  void convert_unreachableRegistry_failsWithConnectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RegistryReference dst = ref("out");
    Cli cli = Cli.run("convert", "127.0.0.1:" + port + "/x/y:1", dst.toString());
    assertOneLineFailure(cli, "127.0.0.1:" + port, "connection refused");
    assertNothingPushed(dst);
  }

  @Test
  void convert_corruptGzip_failsNamingLayer() throws Exception {
    byte[] gz = Tars.gzip(GOOD);
    for (int i = gz.length / 3; i < gz.length - 8; i++) {
      gz[i] ^= 0x33;
    }
    TestImage image = TestImage.of(List.of(GOOD, GOOD)).withLayerBlob(1, gz);
    RegistryReference src = ref("corrupt");
    image.push(client, src);
    RegistryReference dst = ref("out");
    Cli cli = Cli.run("convert", src.toString(), dst.toString());
    assertOneLineFailure(cli, src.toString(), "layer " + Digest.sha256(gz));
    assertNothingPushed(dst);
  }

  @Test
  void convert_corruptZstd_failsNamingLayer() throws Exception {
    byte[] zst = Tars.zstd(TestLayers.tar(file("big", TestLayers.randomBytes(100_000, 5))));
    for (int i = zst.length / 2; i < zst.length / 2 + 64; i++) {
      zst[i] ^= 0x5a;
    }
    TestImage image = TestImage.of(List.of(GOOD, GOOD), 1).withLayerBlob(1, zst);
    RegistryReference src = ref("corruptzstd");
    image.push(client, src);
    RegistryReference dst = ref("out");
    Cli cli = Cli.run("convert", src.toString(), dst.toString());
    assertOneLineFailure(cli, src.toString(), "layer " + Digest.sha256(zst));
    assertNothingPushed(dst);
  }

  @Test
  void convert_failureWithDebug_printsStackTrace() {
    RegistryReference src = ref("missing");
    Cli cli = Cli.run("convert", "--debug", src.toString(), ref("out").toString());
    assertEquals(1, cli.exitCode(), cli.toString());
    assertTrue(cli.err().contains("\tat "), cli.toString());
  }

  @Test
  void convert_truncatedBlobInLayout_failsNamingLayer() throws Exception {
    TestImage image = TestImage.of(List.of(GOOD));
    Path layout = tmp.resolve("layout");
    image.writeLayout(layout, "v1");
    Descriptor layer = image.manifest().layers().get(0);
    Path blob = layout.resolve("blobs/sha256").resolve(layer.digest().hex());
    byte[] whole = Files.readAllBytes(blob);
    Files.write(blob, Arrays.copyOf(whole, whole.length - 20));
    RegistryReference dst = ref("out");
    Cli cli = Cli.run("convert", "oci:" + layout + ":v1", dst.toString());
    assertOneLineFailure(cli, "oci:" + layout, "layer " + layer.digest());
    assertNothingPushed(dst);
  }

  @ParameterizedTest
  @CsvSource({
    "file, ../escape, '', '..'",
    "file, /etc/absolute, '', is absolute",
    "symlink, etc/link, ../../outside, escapes the root",
    "hardlink, etc/hard, ../outside, hardlink target '../outside'",
    "duplicate, etc/hosts, '', duplicate",
    "longname, '', '', longer than 255",
  })
  void convert_badTarEntry_failsNamingLayerAndEntry(
      String kind, String name, String target, String reason) throws Exception {
    String entryName = kind.equals("longname") ? "etc/" + "n".repeat(300) : name;
    byte[] bad = badTar(kind, entryName, target);
    TestImage image = TestImage.of(List.of(GOOD, bad));
    RegistryReference src = ref("bad");
    image.push(client, src);
    RegistryReference dst = ref("out");
    Cli cli = Cli.run("convert", src.toString(), dst.toString());
    assertOneLineFailure(
        cli,
        src.toString(),
        "layer " + image.manifest().layers().get(1).digest(),
        "entry '" + entryName + "'",
        reason);
    assertNothingPushed(dst);
  }

  private static byte[] badTar(String kind, String name, String target) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      add(tar, new TarArchiveEntry("etc/", true), new byte[0]);
      add(tar, new TarArchiveEntry("etc/hosts", true), "x".getBytes());
      TarArchiveEntry e =
          switch (kind) {
            case "symlink" -> link(name, target, TarConstants.LF_SYMLINK);
            case "hardlink" -> link(name, target, TarConstants.LF_LINK);
            default -> new TarArchiveEntry(name, true);
          };
      add(
          tar,
          e,
          kind.equals("file") || kind.equals("duplicate") || kind.equals("longname")
              ? "y".getBytes()
              : new byte[0]);
    }
    return bytes.toByteArray();
  }

  private static TarArchiveEntry link(String name, String target, byte type) {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setLinkName(target);
    return e;
  }

  private static void add(TarArchiveOutputStream tar, TarArchiveEntry e, byte[] content)
      throws IOException {
    if (!e.isDirectory() && !e.isSymbolicLink() && !e.isLink()) {
      e.setSize(content.length);
    }
    tar.putArchiveEntry(e);
    if (content.length > 0 && e.isFile()) {
      tar.write(content);
    }
    tar.closeArchiveEntry();
  }
}
