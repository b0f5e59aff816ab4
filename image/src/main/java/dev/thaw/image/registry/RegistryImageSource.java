package dev.thaw.image.registry;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ImageReference;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.RegistryReference;
import java.io.IOException;
import java.io.InputStream;

/** An {@link ImageSource} over one registry repository. Thread-safe. */
public final class RegistryImageSource implements ImageSource {
  private final RegistryClient client;
  private final RegistryReference ref;

  /** Reads {@code ref} through {@code client}. */
  public RegistryImageSource(RegistryClient client, RegistryReference ref) {
    this.client = client;
    this.ref = ref;
  }

  @Override
  public RegistryReference reference() {
    return ref;
  }

  @Override
  public ManifestContent root() throws IOException {
    return client.fetchManifest(ref);
  }

  @Override
  public ManifestContent manifest(Descriptor descriptor) throws IOException {
    return client.fetchManifest(ref.withDigest(descriptor.digest()));
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    return client.openBlob(ref, blob);
  }

  @Override
  public BlobSource blobSource(Descriptor blob) {
    return client.blobSource(ref, blob);
  }

  /** Whether {@code other} is a repository of the same registry (so blobs can be mounted). */
  boolean sameRegistry(ImageReference other) {
    return other instanceof RegistryReference r && r.registry().equals(ref.registry());
  }

  @Override
  public String toString() {
    return "registry " + ref;
  }
}
