package dev.thaw.image.layout;

import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ImageSink;
import dev.thaw.image.oci.LayoutReference;
import dev.thaw.image.oci.ManifestContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An {@link ImageSink} into an OCI image layout, created if missing. {@link #tagManifest} adds an
 * {@code index.json} entry named by the reference's tag (none without a tag).
 *
 * <p>Thread-safe.
 */
public final class OciLayoutImageSink implements ImageSink {
  private final OciLayout layout;
  private final LayoutReference ref;

  private OciLayoutImageSink(OciLayout layout, LayoutReference ref) {
    this.layout = layout;
    this.ref = ref;
  }

  /** Opens or creates the layout {@code ref} names. */
  public static OciLayoutImageSink openOrCreate(LayoutReference ref) throws IOException {
    return new OciLayoutImageSink(OciLayout.openOrCreate(ref.directory()), ref);
  }

  @Override
  public LayoutReference reference() {
    return ref;
  }

  @Override
  public boolean hasBlob(Descriptor blob) throws IOException {
    return layout.hasBlob(blob);
  }

  @Override
  public void putBlob(Descriptor blob, BlobContent content) throws IOException {
    if (layout.hasBlob(blob)) {
      return;
    }
    try (InputStream in = content.open()) {
      layout.writeBlob(blob, in);
    }
  }

  @Override
  public void putManifest(ManifestContent manifest) throws IOException {
    Descriptor d = manifest.descriptor();
    if (!layout.hasBlob(d)) {
      layout.writeBlob(d, new ByteArrayInputStream(manifest.bytes()));
    }
  }

  @Override
  public void tagManifest(ManifestContent manifest) throws IOException {
    putManifest(manifest);
    layout.addToIndex(manifest.descriptor(), ref.tag());
  }

  @Override
  public String toString() {
    return ref.toString();
  }
}
