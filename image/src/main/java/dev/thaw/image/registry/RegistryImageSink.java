package dev.thaw.image.registry;

import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ImageSink;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.RegistryReference;
import java.io.IOException;
import java.util.Optional;

/**
 * An {@link ImageSink} into one registry repository: blobs skipped when present, mounted when the
 * source is another repository of the same registry, pushed otherwise. Thread-safe.
 */
public final class RegistryImageSink implements ImageSink {
  private final RegistryClient client;
  private final RegistryReference ref;

  /** Writes to {@code ref} through {@code client}. */
  public RegistryImageSink(RegistryClient client, RegistryReference ref) {
    this.client = client;
    this.ref = ref;
  }

  @Override
  public RegistryReference reference() {
    return ref;
  }

  @Override
  public boolean hasBlob(Descriptor blob) throws IOException {
    return client.blobExists(ref, blob.digest());
  }

  @Override
  public void putBlob(Descriptor blob, BlobContent content) throws IOException {
    client.pushBlob(ref, blob, content);
  }

  @Override
  public void copyBlob(ImageSource source, Descriptor blob) throws IOException {
    if (hasBlob(blob)) {
      return;
    }
    if (source instanceof RegistryImageSource r
        && r.sameRegistry(ref)
        && !r.reference().repository().equals(ref.repository())
        && client.mountBlob(ref, blob.digest(), r.reference().repository())) {
      return;
    }
    client.pushBlob(ref, blob, () -> source.openBlob(blob));
  }

  @Override
  public void putManifest(ManifestContent manifest) throws IOException {
    client.pushManifest(
        new RegistryReference(ref.registry(), ref.repository(), "", Optional.of(manifest.digest())),
        manifest);
  }

  @Override
  public void tagManifest(ManifestContent manifest) throws IOException {
    client.pushManifest(ref, manifest);
  }

  @Override
  public String toString() {
    return "registry " + ref;
  }
}
