package dev.thaw.indexer;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;

/** An image read from a registry. Thread-safe (the client is). */
final class RegistryImageInput implements ImageInput {
  private final RegistryClient client;
  private final RegistryReference reference;

  RegistryImageInput(RegistryClient client, RegistryReference reference) {
    this.client = client;
    this.reference = reference;
  }

  @Override
  public String describe() {
    return reference.toString();
  }

  @Override
  public ManifestContent root() throws IOException {
    return client.fetchManifest(reference);
  }

  @Override
  public ManifestContent manifest(Descriptor descriptor) throws IOException {
    return client.fetchManifest(reference.withDigest(descriptor.digest()));
  }

  @Override
  public byte[] blob(Descriptor descriptor) throws IOException {
    return client.fetchBlob(reference, descriptor);
  }

  @Override
  public InputStream openBlob(Descriptor descriptor) throws IOException {
    return client.openBlob(reference, descriptor);
  }

  @Override
  public BlobSource blobSource(Descriptor descriptor) {
    return client.blobSource(reference, descriptor);
  }

  @Override
  public void close() {}
}
