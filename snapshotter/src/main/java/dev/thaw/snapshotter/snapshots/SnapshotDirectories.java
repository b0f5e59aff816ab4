package dev.thaw.snapshotter.snapshots;

import dev.thaw.snapshotter.metadata.Kind;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The on-disk layout: {@code <root>/snapshots/<id>/fs} (the layer, upperdir) and {@code
 * <root>/snapshots/<id>/work} (overlay workdir, active snapshots only). New directories are built
 * as {@code snapshots/new-*} and renamed into place; removed ones are renamed to {@code
 * snapshots/rm-<id>} before being deleted. Thread-safe (no state besides the root).
 */
final class SnapshotDirectories {

  private final Path snapshots;

  SnapshotDirectories(Path root) throws IOException {
    this.snapshots = root.resolve("snapshots");
    Files.createDirectories(snapshots);
  }

  Path snapshotsDir() {
    return snapshots;
  }

  Path dir(long id) {
    return snapshots.resolve(Long.toString(id));
  }

  /** The layer directory: overlay upperdir or lowerdir, or a remote layer's mountpoint. */
  Path fs(long id) {
    return dir(id).resolve("fs");
  }

  Path work(long id) {
    return dir(id).resolve("work");
  }

  /** Builds a fresh, unpublished snapshot directory with {@code fs} (and {@code work}). */
  Path createTemp(Kind kind) throws IOException {
    Path tmp = Files.createTempDirectory(snapshots, "new-");
    try {
      Files.createDirectory(tmp.resolve("fs"));
      Files.setPosixFilePermissions(
          tmp.resolve("fs"), PosixFilePermissions.fromString("rwxr-xr-x"));
      if (kind == Kind.ACTIVE) {
        Files.createDirectory(tmp.resolve("work"));
        Files.setPosixFilePermissions(
            tmp.resolve("work"), PosixFilePermissions.fromString("rwx--x--x"));
      }
      return tmp;
    } catch (IOException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /** Publishes a directory built by {@link #createTemp} as snapshot {@code id}. */
  void publish(Path tmp, long id) throws IOException {
    Files.move(tmp, dir(id), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Renames snapshot {@code id}'s directory out of the way and deletes it. */
  void delete(long id) throws IOException {
    Path dir = dir(id);
    if (!Files.exists(dir)) {
      return;
    }
    Path doomed = snapshots.resolve("rm-" + id);
    Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(doomed);
  }

  /** Directories under {@code snapshots/} that belong to none of {@code liveIds}. */
  List<Path> orphans(java.util.Set<Long> liveIds) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(snapshots)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit) || !liveIds.contains(Long.parseLong(name))) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /** Deletes a tree without following symbolic links; a missing tree is fine. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
