package dev.thaw.image.layout;

import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ImageIndex;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.OciFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An OCI image layout directory: {@code oci-layout} ({@code {"imageLayoutVersion":"1.0.0"}}),
 * {@code index.json} and {@code blobs/<algorithm>/<hex>}. Blobs are written to a temp file,
 * verified and renamed into place; {@code index.json} is replaced the same way.
 *
 * <p>Thread-safe: blob writes are independent; index updates are serialized on this object (one
 * writer process per directory is assumed).
 */
public final class OciLayout {
  /** The annotation naming an {@code index.json} entry (the tag). */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  private static final String LAYOUT_FILE = "oci-layout";
  private static final String INDEX_FILE = "index.json";
  private static final byte[] LAYOUT_JSON =
      "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

  private final Path dir;

  private OciLayout(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens an existing layout.
   *
   * @throws OciFormatException if {@code dir} has no {@code oci-layout} file
   */
  public static OciLayout open(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve(LAYOUT_FILE))) {
      throw new OciFormatException("open OCI layout " + dir + ": no " + LAYOUT_FILE + " file");
    }
    return new OciLayout(dir);
  }

  /** Opens a layout, creating the directory, {@code oci-layout} and an empty index if missing. */
  public static OciLayout openOrCreate(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
    OciLayout layout = new OciLayout(dir);
    if (!Files.exists(dir.resolve(LAYOUT_FILE))) {
      layout.publish(dir.resolve(LAYOUT_FILE), LAYOUT_JSON);
    }
    if (!Files.exists(dir.resolve(INDEX_FILE))) {
      layout.publish(
          dir.resolve(INDEX_FILE),
          ImageIndex.of(MediaTypes.OCI_INDEX, List.of(), Map.of()).bytes());
    }
    return layout;
  }

  /** The directory. */
  public Path directory() {
    return dir;
  }

  /** Where the blob with {@code digest} lives (whether or not it exists). */
  public Path blobPath(Digest digest) {
    return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  /** True if the blob file exists with the descriptor's size. */
  public boolean hasBlob(Descriptor blob) throws IOException {
    Path p = blobPath(blob.digest());
    return Files.isRegularFile(p) && Files.size(p) == blob.size();
  }

  /**
   * Writes a blob from {@code in}: temp file, size and digest verified, renamed into place. A blob
   * already present is left alone (content-addressed: same digest, same bytes).
   *
   * @throws OciFormatException if the bytes do not match the descriptor
   */
  public void writeBlob(Descriptor blob, InputStream in) throws IOException {
    Path target = blobPath(blob.digest());
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "");
    try {
      MessageDigest md = Digest.newSha256();
      long n = 0;
      try (OutputStream out = Files.newOutputStream(tmp)) {
        byte[] buf = new byte[1 << 16];
        for (int r; (r = in.read(buf)) > 0; ) {
          md.update(buf, 0, r);
          out.write(buf, 0, r);
          n += r;
        }
      }
      Digest got = Digest.ofSha256(md.digest());
      if (n != blob.size() || !got.equals(blob.digest())) {
        throw new OciFormatException(
            "write blob "
                + blob.digest()
                + " to "
                + dir
                + ": got "
                + n
                + " bytes with digest "
                + got
                + ", expected "
                + blob.size()
                + " bytes");
      }
      moveIntoPlace(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads a whole blob, verified against {@code blob}. */
  public byte[] readBlob(Descriptor blob) throws IOException {
    Path p = blobPath(blob.digest());
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(
          p.toString(), null, "read blob " + blob.digest() + " from OCI layout " + dir);
    }
    byte[] bytes = Files.readAllBytes(p);
    if (bytes.length != blob.size() || !Digest.sha256(bytes).equals(blob.digest())) {
      throw new OciFormatException(
          "read blob "
              + blob.digest()
              + " from OCI layout "
              + dir
              + ": file "
              + p
              + " does not match its digest and size "
              + blob.size());
    }
    return bytes;
  }

  /** The parsed {@code index.json}. */
  public synchronized ImageIndex index() throws IOException {
    Path p = dir.resolve(INDEX_FILE);
    try {
      return ImageIndex.parse(Files.readAllBytes(p));
    } catch (OciFormatException e) {
      throw new OciFormatException("read " + p + ": " + e.getMessage(), e);
    }
  }

  /**
   * Adds {@code manifest} to {@code index.json} under {@code refName} (empty: no name), replacing
   * any entry with the same name; written to a temp file and renamed.
   */
  public synchronized void addToIndex(Descriptor manifest, String refName) throws IOException {
    ImageIndex index = index();
    List<Descriptor> entries = new ArrayList<>();
    for (Descriptor d : index.manifests()) {
      boolean sameName = !refName.isEmpty() && refName.equals(d.annotations().get(REF_NAME));
      boolean sameUnnamed =
          refName.isEmpty()
              && d.digest().equals(manifest.digest())
              && !d.annotations().containsKey(REF_NAME);
      if (!sameName && !sameUnnamed) {
        entries.add(d);
      }
    }
    entries.add(refName.isEmpty() ? manifest : manifest.withAnnotation(REF_NAME, refName));
    publish(dir.resolve(INDEX_FILE), index.withManifests(entries).bytes());
  }

  private void publish(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(dir, ".tmp-", "");
    try {
      Files.write(tmp, bytes);
      moveIntoPlace(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void moveIntoPlace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      try {
        Files.move(tmp, target);
      } catch (FileAlreadyExistsException raced) {
        // Content-addressed: another writer published the same bytes first.
      }
    }
  }

  @Override
  public String toString() {
    return "OCI layout " + dir;
  }
}
