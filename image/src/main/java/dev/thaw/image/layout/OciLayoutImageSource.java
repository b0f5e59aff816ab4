package dev.thaw.image.layout;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.blob.FileBlobSource;
import dev.thaw.image.io.DigestingInputStream;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ImageIndex;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.oci.LayoutReference;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.OciFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * An {@link ImageSource} over an OCI image layout. The root is the {@code index.json} entry whose
 * {@code org.opencontainers.image.ref.name} is the reference's tag; without a tag, the only entry.
 *
 * <p>Thread-safe.
 */
public final class OciLayoutImageSource implements ImageSource {
  private final OciLayout layout;
  private final LayoutReference ref;

  private OciLayoutImageSource(OciLayout layout, LayoutReference ref) {
    this.layout = layout;
    this.ref = ref;
  }

  /**
   * Opens the layout {@code ref} names.
   *
   * @throws OciFormatException if the directory is not an OCI layout
   */
  public static OciLayoutImageSource open(LayoutReference ref) throws IOException {
    return new OciLayoutImageSource(OciLayout.open(ref.directory()), ref);
  }

  @Override
  public LayoutReference reference() {
    return ref;
  }

  @Override
  public ManifestContent root() throws IOException {
    ImageIndex index = layout.index();
    List<Descriptor> entries = index.manifests();
    Descriptor chosen = null;
    if (ref.tag().isEmpty()) {
      if (entries.size() != 1) {
        throw new OciFormatException(
            "read "
                + ref
                + ": index.json has "
                + entries.size()
                + " entries; name one with oci:DIR:TAG");
      }
      chosen = entries.get(0);
    } else {
      for (Descriptor d : entries) {
        if (ref.tag().equals(d.annotations().get(OciLayout.REF_NAME))) {
          chosen = d;
        }
      }
      if (chosen == null) {
        throw new NoSuchFileException(
            ref.directory().resolve("index.json").toString(),
            null,
            "read " + ref + ": no entry named " + ref.tag());
      }
    }
    return manifest(chosen);
  }

  @Override
  public ManifestContent manifest(Descriptor descriptor) throws IOException {
    return ManifestContent.of(layout.readBlob(descriptor), descriptor.mediaType());
  }

  @Override
  public InputStream openBlob(Descriptor blob) throws IOException {
    Path p = existing(blob);
    return new VerifyingStream(
        Files.newInputStream(p), blob, "read blob " + blob.digest() + " from " + ref);
  }

  @Override
  public BlobSource blobSource(Descriptor blob) throws IOException {
    return new FileBlobSource(existing(blob));
  }

  private Path existing(Descriptor blob) throws IOException {
    Path p = layout.blobPath(blob.digest());
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(
          p.toString(), null, "read blob " + blob.digest() + " from " + ref);
    }
    return p;
  }

  /** Checks size and digest at end of stream. Confined to one thread. */
  private static final class VerifyingStream extends DigestingInputStream {
    private final Descriptor blob;
    private final String what;

    VerifyingStream(InputStream in, Descriptor blob, String what) {
      super(in);
      this.blob = blob;
      this.what = what;
    }

    @Override
    protected void ended() throws IOException {
      Digest got = digest().orElseThrow();
      if (count() != blob.size() || !got.equals(blob.digest())) {
        throw new OciFormatException(
            what
                + ": file has "
                + count()
                + " bytes with digest "
                + got
                + ", expected "
                + blob.size());
      }
    }
  }

  @Override
  public String toString() {
    return ref.toString();
  }
}
