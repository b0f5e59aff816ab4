package dev.thaw.snapshotter.cache;

import dev.thaw.image.oci.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A {@link ChunkCache} on local disk, one file per chunk.
 *
 * <p>Layout under the root directory:
 *
 * <pre>
 *   chunks/sha256/ab/abcdef…   a chunk's uncompressed bytes, named by its digest
 *   tmp/                       chunks being written; emptied at open (left over by a crash)
 * </pre>
 *
 * <p>A chunk is written to a temp file and renamed into place, so a chunk file is either absent or
 * complete. At open the index is rebuilt from the files, oldest modification time first; a chunk's
 * modification time is refreshed when it is used (at most once a minute), so the use order survives
 * restarts approximately.
 *
 * <p>Thread-safe. Several processes must not share one root.
 */
public final class DiskChunkCache implements ChunkCache {
  private static final Logger LOG = Logger.getLogger(DiskChunkCache.class.getName());
  private static final long TOUCH_INTERVAL_MILLIS = 60_000;
  private static final int IO_SLICE = 256 * 1024;

  private final Path chunksDir;
  private final Path tmpDir;
  private final LruIndex index;

  private DiskChunkCache(Path root, long capacityBytes) {
    this.chunksDir = root.resolve("chunks");
    this.tmpDir = root.resolve("tmp");
    this.index = new LruIndex(capacityBytes);
  }

  /**
   * Opens (creating if needed) the cache under {@code root}: deletes temp files a crash left
   * behind, indexes the stored chunks and evicts down to {@code capacityBytes}.
   *
   * @throws IOException if the directories cannot be created or listed
   */
  public static DiskChunkCache open(Path root, long capacityBytes) throws IOException {
    DiskChunkCache cache = new DiskChunkCache(root, capacityBytes);
    cache.recover();
    return cache;
  }

  private void recover() throws IOException {
    Files.createDirectories(chunksDir);
    Files.createDirectories(tmpDir);
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmpDir)) {
      for (Path leftover : leftovers) {
        Files.deleteIfExists(leftover);
      }
    }
    record Found(Digest digest, long size, FileTime modified) {}
    List<Found> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(chunksDir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attrs.isRegularFile()) {
          continue;
        }
        Optional<Digest> digest = digestOf(file);
        if (digest.isEmpty()) {
          LOG.warning("chunk cache: deleting stray file " + file);
          Files.deleteIfExists(file);
          continue;
        }
        found.add(new Found(digest.get(), attrs.size(), attrs.lastModifiedTime()));
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    found.sort(Comparator.comparing(Found::modified));
    for (Found f : found) {
      deleteAll(index.add(f.digest(), f.size()));
    }
    LOG.fine(() ->
        "chunk cache "
            + chunksDir
            + ": "
            + index.count()
            + " chunks, "
            + index.totalBytes()
            + " bytes");
  }

  private Optional<Digest> digestOf(Path file) {
    Path parent = file.getParent();
    if (parent == null || parent.getParent() == null) {
      return Optional.empty();
    }
    String algorithm = parent.getParent().getFileName().toString();
    try {
      Digest digest = new Digest(algorithm, file.getFileName().toString());
      return file.equals(pathOf(digest)) ? Optional.of(digest) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  Path pathOf(Digest digest) {
    return chunksDir
        .resolve(digest.algorithm())
        .resolve(digest.hex().substring(0, 2))
        .resolve(digest.hex());
  }

  @Override
  public boolean read(Digest digest, long offset, ByteBuffer dst) throws IOException {
    if (!index.contains(digest)) {
      return false;
    }
    Path path = pathOf(digest);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      int n = ChunkCopies.length(digest, ch.size(), offset, dst);
      ByteBuffer window = dst.slice(dst.position(), n);
      long pos = offset;
      while (window.hasRemaining()) {
        int r = ch.read(window, pos);
        if (r < 0) {
          throw new IOException(
              "read cached chunk " + digest + " from " + path + ": truncated at " + pos);
        }
        pos += r;
      }
      dst.position(dst.position() + n);
    } catch (NoSuchFileException e) {
      // Evicted between the index check and the open (or deleted by hand): a miss.
      index.forget(digest);
      return false;
    }
    used(digest, path);
    return true;
  }

  @Override
  public Optional<byte[]> get(Digest digest) throws IOException {
    if (!index.contains(digest)) {
      return Optional.empty();
    }
    Path path = pathOf(digest);
    byte[] bytes;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException("read cached chunk " + digest + " from " + path + ": " + size);
      }
      bytes = new byte[(int) size];
      ByteBuffer all = ByteBuffer.wrap(bytes);
      while (all.hasRemaining()) {
        // In slices: a heap buffer larger than the JDK's cached temporary direct buffers
        // (jdk.nio.maxCachedBufferSize) costs a fresh direct allocation per call.
        ByteBuffer slice = all.slice(all.position(), Math.min(IO_SLICE, all.remaining()));
        int r = ch.read(slice, all.position());
        if (r < 0) {
          throw new IOException(
              "read cached chunk " + digest + " from " + path + ": truncated at " + all.position());
        }
        all.position(all.position() + r);
      }
    } catch (NoSuchFileException e) {
      index.forget(digest);
      return Optional.empty();
    }
    used(digest, path);
    return Optional.of(bytes);
  }

  private void used(Digest digest, Path path) {
    long now = System.currentTimeMillis();
    if (!index.stampDue(digest, now, TOUCH_INTERVAL_MILLIS)) {
      return; // no stat per read: the file's time was checked (and refreshed) within the minute
    }
    try {
      if (now - Files.getLastModifiedTime(path).toMillis() > TOUCH_INTERVAL_MILLIS) {
        Files.setLastModifiedTime(path, FileTime.fromMillis(now));
      }
    } catch (IOException e) {
      // Only the use order after a restart depends on this; the read itself succeeded.
      LOG.log(Level.FINE, "chunk cache: touch " + path, e);
    }
  }

  @Override
  public boolean contains(Digest digest) {
    return index.contains(digest);
  }

  @Override
  public void put(Digest digest, byte[] bytes) throws IOException {
    if (bytes.length > index.capacityBytes()) {
      return;
    }
    if (index.touch(digest) && Files.exists(pathOf(digest))) {
      return;
    }
    Path target = pathOf(digest);
    // Room first, so chunks being written count against the bound and the disk never exceeds it.
    deleteAll(index.reserve(bytes.length));
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(tmpDir, digest.hex().substring(0, 16), ".part");
      try {
        writeAll(tmp, bytes);
        // On Linux rename replaces an identical file a racing writer published: content-addressed,
        // so its bytes are ours and losing the race is success.
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
    } catch (IOException e) {
      index.release(bytes.length);
      throw new IOException("store chunk " + digest + " in " + target + ": " + e.getMessage(), e);
    }
    deleteAll(index.add(digest, bytes.length, bytes.length));
  }

  /**
   * Writes {@code bytes} to the new file {@code tmp} in slices: a heap buffer larger than the JDK's
   * cached temporary direct buffers ({@code jdk.nio.maxCachedBufferSize}, 256 KiB in the daemon)
   * would cost a fresh, zeroed direct allocation of the chunk's size per write.
   */
  private static void writeAll(Path tmp, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      for (int off = 0; off < bytes.length; ) {
        off += ch.write(ByteBuffer.wrap(bytes, off, Math.min(IO_SLICE, bytes.length - off)));
      }
    }
  }

  private void deleteAll(List<Digest> evicted) throws IOException {
    for (Digest d : evicted) {
      Files.deleteIfExists(pathOf(d));
    }
  }

  @Override
  public long sizeBytes() {
    return index.totalBytes();
  }

  @Override
  public int chunkCount() {
    return index.count();
  }

  @Override
  public long capacityBytes() {
    return index.capacityBytes();
  }
}
