package dev.thaw.indexer;

import dev.thaw.image.oci.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A private temporary directory where {@code convert} builds every blob of the new image before
 * anything is pushed: content-addressed blobs ({@code blobs/sha256/HEX}) and scratch files. {@link
 * #close} deletes it all.
 *
 * <p>Thread-safe: layer tasks write distinct scratch files, and committing a blob is a rename (an
 * identical blob committed twice is the same content).
 */
final class StagingArea implements AutoCloseable {
  private final Path root;
  private final Path blobs;
  private final Path scratch;

  private StagingArea(Path root) throws IOException {
    this.root = root;
    this.blobs = Files.createDirectories(root.resolve("blobs").resolve("sha256"));
    this.scratch = Files.createDirectories(root.resolve("scratch"));
  }

  /** Creates a staging area in a fresh directory under {@code parent}. */
  static StagingArea create(Path parent) throws IOException {
    Files.createDirectories(parent);
    return new StagingArea(Files.createTempDirectory(parent, "thaw-indexer-"));
  }

  /** A new empty scratch file, owned by the caller until committed or deleted. */
  Path newScratchFile(String prefix) throws IOException {
    return Files.createTempFile(scratch, prefix, ".tmp");
  }

  /** Moves {@code file}, whose content has digest {@code digest}, into the blob store. */
  Path commit(Path file, Digest digest) throws IOException {
    Path target = path(digest);
    Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  /** Stores {@code bytes} as a blob and returns their digest. */
  Digest put(byte[] bytes) throws IOException {
    Digest d = Digest.sha256(bytes);
    Path tmp = newScratchFile("blob");
    Files.write(tmp, bytes);
    commit(tmp, d);
    return d;
  }

  /** Where the blob {@code digest} is (or would be). */
  Path path(Digest digest) {
    return blobs.resolve(digest.hex());
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.deleteIfExists(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw new IOException("delete staging directory " + root, e.getCause());
    }
  }
}
