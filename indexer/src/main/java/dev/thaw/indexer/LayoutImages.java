package dev.thaw.indexer;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.blob.FileBlobSource;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ImageIndex;
import dev.thaw.image.oci.LayoutReference;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Images in an OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/…}): the input and output {@code oci:DIR[:tag]} opens. Static factories only.
 */
final class LayoutImages {
  /** The index.json annotation that holds a tag. */
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private LayoutImages() {}

  static ImageInput input(LayoutReference ref) {
    return new Input(ref);
  }

  static ImageOutput output(LayoutReference ref) {
    return new Output(ref);
  }

  static Path blobPath(Path dir, Digest digest) {
    return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  /** Reads a layout. Thread-safe (files only). */
  private static final class Input implements ImageInput {
    private final LayoutReference ref;

    Input(LayoutReference ref) {
      this.ref = ref;
    }

    @Override
    public String describe() {
      return ref.toString();
    }

    @Override
    public ManifestContent root() throws IOException {
      Path indexFile = ref.directory().resolve("index.json");
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(indexFile);
      } catch (NoSuchFileException e) {
        throw new IOException("read " + indexFile + ": not an OCI image layout (no index.json)", e);
      }
      ImageIndex index = ImageIndex.parse(bytes, MediaTypes.OCI_INDEX);
      List<Descriptor> matches = new ArrayList<>();
      for (Descriptor d : index.manifests()) {
        if (ref.tag().isEmpty() || d.annotation(REF_NAME).orElse("").equals(ref.tag())) {
          matches.add(d);
        }
      }
      if (matches.isEmpty()) {
        throw new IOException(indexFile + ": no image tagged '" + ref.tag() + "'");
      }
      if (matches.size() > 1) {
        throw new IOException(
            indexFile + ": " + matches.size() + " images; name one with oci:DIR:tag");
      }
      return manifest(matches.get(0));
    }

    @Override
    public ManifestContent manifest(Descriptor d) throws IOException {
      return ManifestContent.of(blob(d), d.mediaType());
    }

    @Override
    public byte[] blob(Descriptor d) throws IOException {
      byte[] bytes = Files.readAllBytes(blobPath(ref.directory(), d.digest()));
      Digest actual = Digest.sha256(bytes);
      if (!actual.equals(d.digest())) {
        throw new IOException(
            "read blob " + d.digest() + " of " + ref + ": content has digest " + actual);
      }
      return bytes;
    }

    @Override
    public InputStream openBlob(Descriptor d) throws IOException {
      return Files.newInputStream(blobPath(ref.directory(), d.digest()));
    }

    @Override
    public BlobSource blobSource(Descriptor d) throws IOException {
      return new FileBlobSource(blobPath(ref.directory(), d.digest()));
    }

    @Override
    public void close() {}
  }

  /** Writes into a layout: blobs by rename, index.json last. Thread-safe for distinct blobs. */
  private static final class Output implements ImageOutput {
    private final LayoutReference ref;

    Output(LayoutReference ref) {
      this.ref = ref;
    }

    @Override
    public String describe() {
      return ref.toString();
    }

    @Override
    public void pushBlob(Descriptor d, Path file) throws IOException {
      Path target = blobPath(ref.directory(), d.digest());
      if (Files.exists(target) && Files.size(target) == d.size()) {
        return;
      }
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "");
      Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void pushManifest(ManifestContent manifest) throws IOException {
      Path target = blobPath(ref.directory(), manifest.digest());
      Files.createDirectories(target.getParent());
      writeAtomically(target, manifest.bytes());
    }

    @Override
    public String pushRoot(ManifestContent root) throws IOException {
      pushManifest(root);
      Path dir = ref.directory();
      writeAtomically(
          dir.resolve("oci-layout"),
          "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      Path indexFile = dir.resolve("index.json");
      ImageIndex index =
          Files.exists(indexFile)
              ? ImageIndex.parse(Files.readAllBytes(indexFile), MediaTypes.OCI_INDEX)
              : ImageIndex.of(MediaTypes.OCI_INDEX, List.of(), Map.of());
      List<Descriptor> entries = new ArrayList<>();
      for (Descriptor d : index.manifests()) {
        boolean replaced =
            ref.tag().isEmpty()
                ? d.annotation(REF_NAME).isEmpty()
                : d.annotation(REF_NAME).orElse("").equals(ref.tag());
        if (!replaced) {
          entries.add(d);
        }
      }
      Descriptor entry = root.descriptor();
      if (!ref.tag().isEmpty()) {
        entry = entry.withAnnotation(REF_NAME, ref.tag());
      }
      entries.add(entry);
      writeAtomically(indexFile, index.withManifests(entries).bytes());
      return ref + "@" + root.digest();
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "");
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {}
  }
}
