package dev.thaw.snapshotter.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.chunk.SeekableLayer;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.registry.RegistryClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WarmUpRegistryTest {
  @TempDir Path dir;

  @Test
  void manifestAndBlob_throughTheRegistryClient_openAsVerifiedSeekableLayer() throws Exception {
    try (WarmUpRegistry registry = WarmUpRegistry.start()) {
      RegistryClient client = RegistryClient.builder().insecureRegistry(registry.host()).build();
      Descriptor layer =
          new LayerLocator(client).locate(registry.image(), registry.layerDigest()).orElseThrow();
      assertEquals(
          registry.tocDigest().toString(),
          layer.annotations().get(RemoteLabels.TOC_DIGEST),
          "the manifest carries the TOC digest annotation");
      try (BlobSource blob = client.blobSource(registry.image(), layer)) {
        SeekableLayer opened = SeekableLayer.open(blob, Optional.of(registry.tocDigest()));
        assertEquals(registry.tocDigest(), opened.tocDigest());
        assertEquals(
            WarmUpRegistry.CONTENT.length(),
            opened.tocIndex().lookup(WarmUpRegistry.FILE).orElseThrow().entry().size());
        assertTrue(opened.tocIndex().lookup("etc/thaw-warm-up.link").isPresent());
        assertTrue(
            opened.tocIndex().size() > WarmUpRegistry.TOC_ENTRIES,
            "index of " + opened.tocIndex().size() + " entries");
      }
      assertEquals(
          registry.layerDigest().toString(),
          registry.prepareLabels().get(RemoteLabels.LAYER_DIGEST));
      assertEquals(
          registry.image().toString(), registry.prepareLabels().get(RemoteLabels.IMAGE_REF));
    }
  }

  @Test
  void blob_singleRange_answers206WithContentRange_unknownPath404_post405() throws Exception {
    try (WarmUpRegistry registry = WarmUpRegistry.start()) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://" + registry.host() + "/v2/" + WarmUpRegistry.REPOSITORY;
      HttpResponse<byte[]> part =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/blobs/" + registry.layerDigest()))
                  .header("Range", "bytes=0-9")
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(206, part.statusCode());
      assertEquals(10, part.body().length);
      String contentRange = part.headers().firstValue("Content-Range").orElseThrow();
      assertTrue(contentRange.startsWith("bytes 0-9/"), contentRange);
      assertEquals(
          (byte) 0x1f, part.body()[0], "an eStargz blob starts with a gzip member (1f 8b)");
      HttpResponse<Void> missing =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/blobs/sha256:" + "0".repeat(64))).build(),
              HttpResponse.BodyHandlers.discarding());
      assertEquals(404, missing.statusCode());
      HttpResponse<Void> post =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/blobs/uploads/"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      assertEquals(405, post.statusCode());
    }
  }

  @Test
  void warmUp_mountFails_namesTheWarmUpAndTheCause() {
    LayerMounter failing =
        (name, index, source, mountpoint, observer) -> {
          throw new IOException("no /dev/fuse here");
        };
    IOException e = assertThrows(IOException.class, () -> WarmUp.run(dir.resolve("mnt"), failing));
    assertTrue(e.getMessage().startsWith("warm-up: lazy prepare of "), e.getMessage());
    assertTrue(e.getMessage().contains("no /dev/fuse here"), e.getMessage());
  }

  @Test
  void warmUp_mountSucceedsButFileMissing_failsAndUnmounts() throws Exception {
    boolean[] closed = {false};
    LayerMounter hollow = (name, index, source, mountpoint, observer) -> () -> closed[0] = true;
    Path mnt = dir.resolve("mnt");
    IOException e = assertThrows(IOException.class, () -> WarmUp.run(mnt, hollow));
    assertTrue(e.getMessage().contains(WarmUpRegistry.FILE), e.getMessage());
    assertTrue(closed[0], "the preparer's close unmounted the layer");
    assertFalse(Files.exists(mnt.resolve(WarmUpRegistry.FILE)));
  }
}
