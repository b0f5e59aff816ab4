package dev.thaw.image.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ImageConfig;
import dev.thaw.image.oci.ImageReference;
import dev.thaw.image.oci.LayoutReference;
import dev.thaw.image.oci.Manifest;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.OciFormatException;
import dev.thaw.image.oci.Platform;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OciLayoutTest {
  @TempDir Path tmp;

  private static final byte[] LAYER = "layer bytes".getBytes(StandardCharsets.UTF_8);

  private Manifest write(LayoutReference ref) throws Exception {
    Descriptor layer = Descriptor.ofContent(MediaTypes.OCI_LAYER_GZIP, LAYER);
    ImageConfig config = ImageConfig.of(Platform.parse("linux/amd64"), List.of(layer.digest()));
    Descriptor configDesc = config.descriptor(MediaTypes.OCI_CONFIG);
    Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, configDesc, List.of(layer), Map.of());
    OciLayoutImageSink sink = OciLayoutImageSink.openOrCreate(ref);
    sink.putBlob(layer, BlobContent.ofBytes(LAYER));
    sink.putBlob(configDesc, BlobContent.ofBytes(config.bytes()));
    sink.tagManifest(manifest.content());
    return manifest;
  }

  @Test
  void tagManifest_thenRoot_readsBackByTag() throws Exception {
    Path dir = tmp.resolve("layout");
    Manifest v1 = write((LayoutReference) ImageReference.parse("oci:" + dir + ":v1"));
    assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(dir.resolve("oci-layout")));
    assertTrue(Files.isRegularFile(dir.resolve("blobs/sha256/" + v1.digest().hex())));
    OciLayoutImageSource source =
        OciLayoutImageSource.open((LayoutReference) ImageReference.parse("oci:" + dir + ":v1"));
    Manifest back = source.root().asManifest();
    assertEquals(v1.digest(), back.digest());
    Descriptor layer = back.layers().get(0);
    try (InputStream in = source.openBlob(layer)) {
      assertArrayEquals(LAYER, in.readAllBytes());
    }
    try (BlobSource blob = source.blobSource(layer)) {
      assertArrayEquals("bytes".getBytes(StandardCharsets.UTF_8), blob.read(6, 5));
    }
    assertEquals(
        List.of(layer.digest()), ImageConfig.parse(source.readBlob(back.config())).diffIds());
    // Without a tag, the single entry is the image.
    assertEquals(
        v1.digest(), OciLayoutImageSource.open(new LayoutReference(dir, "")).root().digest());
  }

  @Test
  void tagManifest_sameTagTwice_replacesEntry() throws Exception {
    Path dir = tmp.resolve("layout");
    write(new LayoutReference(dir, "v1"));
    write(new LayoutReference(dir, "v1"));
    write(new LayoutReference(dir, "v2"));
    OciLayout layout = OciLayout.open(dir);
    assertEquals(2, layout.index().manifests().size());
    OciFormatException e =
        assertThrows(
            OciFormatException.class,
            () -> OciLayoutImageSource.open(new LayoutReference(dir, "")).root());
    assertTrue(e.getMessage().contains("2 entries"), e.getMessage());
    assertThrows(
        NoSuchFileException.class,
        () -> OciLayoutImageSource.open(new LayoutReference(dir, "v3")).root());
  }

  @Test
  void putBlob_wrongDigest_rejectedAndNothingPublished() throws Exception {
    OciLayoutImageSink sink = OciLayoutImageSink.openOrCreate(new LayoutReference(tmp, "x"));
    Descriptor claimed =
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.sha256(new byte[] {1}), LAYER.length);
    assertThrows(OciFormatException.class, () -> sink.putBlob(claimed, BlobContent.ofBytes(LAYER)));
    assertFalse(sink.hasBlob(claimed));
    try (var files = Files.list(tmp.resolve("blobs/sha256"))) {
      assertEquals(0, files.count(), "temp file removed");
    }
  }

  @Test
  void open_notALayout_throws() {
    OciFormatException e = assertThrows(OciFormatException.class, () -> OciLayout.open(tmp));
    assertTrue(e.getMessage().contains("oci-layout"), e.getMessage());
  }
}
