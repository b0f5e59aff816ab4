package dev.thaw.indexer;

import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ImageConfig;
import dev.thaw.image.oci.Manifest;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.Platform;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.RegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A single-platform image built in code from uncompressed tars: its layer blobs (compressed as
 * asked), config and manifest, pushable to a registry or writable as an OCI layout.
 *
 * @param layerTars the uncompressed tars
 * @param layerBlobs the layer blobs as stored
 * @param config the config JSON
 * @param manifest the manifest
 */
record TestImage(
    List<byte[]> layerTars, List<byte[]> layerBlobs, byte[] config, Manifest manifest) {
  /** Builds an OCI image with gzip layers (zstd for the indices in {@code zstdLayers}). */
  static TestImage of(List<byte[]> tars, int... zstdLayers) {
    return of(Platform.of("linux", "amd64", ""), tars, zstdLayers);
  }

  /** Builds an OCI image for {@code platform}; its config has history and an unknown field. */
  static TestImage of(Platform platform, List<byte[]> tars, int... zstdLayers) {
    List<byte[]> blobs = new ArrayList<>();
    List<Descriptor> layers = new ArrayList<>();
    List<Digest> diffIds = new ArrayList<>();
    for (int i = 0; i < tars.size(); i++) {
      final int index = i;
      boolean zstd = java.util.Arrays.stream(zstdLayers).anyMatch(z -> z == index);
      byte[] blob = zstd ? Tars.zstd(tars.get(i)) : Tars.gzip(tars.get(i));
      blobs.add(blob);
      layers.add(
          Descriptor.of(
              zstd ? MediaTypes.OCI_LAYER_ZSTD : MediaTypes.OCI_LAYER_GZIP,
              Digest.sha256(blob),
              blob.length));
      diffIds.add(Digest.sha256(tars.get(i)));
    }
    StringBuilder ids = new StringBuilder();
    for (Digest d : diffIds) {
      ids.append(ids.isEmpty() ? "" : ",").append('"').append(d).append('"');
    }
    String json =
        "{\"architecture\":\""
            + platform.architecture()
            + "\",\"os\":\""
            + platform.os()
            + "\",\"config\":{\"Cmd\":[\"/bin/sh\"]},\"history\":[{\"created_by\":\"thaw test\"}],"
            + "\"x-thaw-unknown\":{\"kept\":true},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
            + ids
            + "]}}";
    byte[] configBytes;
    try {
      configBytes = ImageConfig.parse(json.getBytes(StandardCharsets.UTF_8)).bytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Manifest manifest =
        Manifest.of(
            MediaTypes.OCI_MANIFEST,
            Descriptor.of(MediaTypes.OCI_CONFIG, Digest.sha256(configBytes), configBytes.length),
            layers,
            Map.of("org.example.kept", "yes"));
    return new TestImage(List.copyOf(tars), blobs, configBytes, manifest);
  }

  /** The same image with layer {@code i}'s stored blob replaced (its descriptor follows). */
  TestImage withLayerBlob(int i, byte[] blob) {
    List<byte[]> blobs = new ArrayList<>(layerBlobs);
    blobs.set(i, blob);
    List<Descriptor> layers = new ArrayList<>(manifest.layers());
    layers.set(
        i, layers.get(i).withContent(layers.get(i).mediaType(), Digest.sha256(blob), blob.length));
    return new TestImage(layerTars, blobs, config, manifest.withLayers(layers));
  }

  /** Pushes blobs and manifest to {@code ref}. */
  void push(RegistryClient client, RegistryReference ref) throws IOException {
    for (int i = 0; i < layerBlobs.size(); i++) {
      client.pushBlob(ref, manifest.layers().get(i), BlobContent.ofBytes(layerBlobs.get(i)));
    }
    client.pushBlob(ref, manifest.config(), BlobContent.ofBytes(config));
    client.pushManifest(ref, manifest.content());
  }

  /** Writes an OCI layout at {@code dir} with this image tagged {@code tag}. */
  void writeLayout(Path dir, String tag) throws IOException {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    for (int i = 0; i < layerBlobs.size(); i++) {
      Files.write(blobs.resolve(manifest.layers().get(i).digest().hex()), layerBlobs.get(i));
    }
    Files.write(blobs.resolve(manifest.config().digest().hex()), config);
    Files.write(blobs.resolve(manifest.digest().hex()), manifest.bytes());
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_INDEX
            + "\",\"manifests\":[{\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"digest\":\""
            + manifest.digest()
            + "\",\"size\":"
            + manifest.bytes().length
            + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
            + tag
            + "\"}}]}";
    Files.write(dir.resolve("index.json"), index.getBytes(StandardCharsets.UTF_8));
  }
}
