package dev.thaw.indexer;

import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.BlobContent;
import dev.thaw.image.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;

/** Pushes to a registry repository. Thread-safe (the client is). */
final class RegistryImageOutput implements ImageOutput {
  private final RegistryClient client;
  private final RegistryReference reference;

  RegistryImageOutput(RegistryClient client, RegistryReference reference) {
    this.client = client;
    this.reference = reference;
  }

  @Override
  public String describe() {
    return reference.toString();
  }

  @Override
  public void pushBlob(Descriptor descriptor, Path file) throws IOException {
    client.pushBlob(reference, descriptor, BlobContent.ofFile(file));
  }

  @Override
  public void pushManifest(ManifestContent manifest) throws IOException {
    client.pushManifest(
        new RegistryReference(
            reference.registry(),
            reference.repository(),
            "",
            java.util.Optional.of(manifest.digest())),
        manifest);
  }

  @Override
  public String pushRoot(ManifestContent root) throws IOException {
    if (reference.digest().isPresent() && !reference.digest().get().equals(root.digest())) {
      throw new IOException(
          "push to "
              + reference
              + ": the converted image has digest "
              + root.digest()
              + ", not the one DST names");
    }
    Digest d =
        client.pushManifest(
            reference.tag().isEmpty()
                ? reference.withDigest(root.digest())
                : new RegistryReference(
                    reference.registry(),
                    reference.repository(),
                    reference.tag(),
                    java.util.Optional.empty()),
            root);
    return reference.registry()
        + "/"
        + reference.repository()
        + (reference.tag().isEmpty() ? "" : ":" + reference.tag())
        + "@"
        + d;
  }

  @Override
  public void close() {}
}
