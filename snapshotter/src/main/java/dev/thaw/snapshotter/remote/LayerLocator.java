package dev.thaw.snapshotter.remote;

import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.RegistryClient;
import java.io.IOException;
import java.util.Optional;

/**
 * Finds a layer's descriptor (size, media type, annotations) in an image: the image's manifest, or
 * for an image index each platform's manifest in turn, until one lists the layer.
 *
 * <p>Thread-safe; blocks on the registry.
 */
final class LayerLocator {
  private final RegistryClient client;

  LayerLocator(RegistryClient client) {
    this.client = client;
  }

  /**
   * The descriptor of {@code layer} in {@code image}, or empty if no manifest of the image lists
   * it.
   *
   * @throws IOException if a manifest cannot be fetched or parsed
   */
  Optional<Descriptor> locate(RegistryReference image, Digest layer) throws IOException {
    ManifestContent top = client.fetchManifest(image);
    if (!top.isIndex()) {
      return find(top, layer);
    }
    for (Descriptor m : top.asIndex().manifests()) {
      Optional<Descriptor> d = find(client.fetchManifest(image.withDigest(m.digest())), layer);
      if (d.isPresent()) {
        return d;
      }
    }
    return Optional.empty();
  }

  private static Optional<Descriptor> find(ManifestContent content, Digest layer)
      throws IOException {
    if (content.isIndex()) {
      return Optional.empty();
    }
    return content.asManifest().layers().stream().filter(d -> d.digest().equals(layer)).findFirst();
  }
}
