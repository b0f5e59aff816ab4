package dev.thaw.fuse;

import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;

/**
 * The read-only FUSE file system over one layer: the callbacks libfuse's high-level (path) API
 * makes, answered from an immutable {@link LayerTree} and a {@link ChunkSource}.
 *
 * <p>Every callback runs through {@link ErrnoMapper}: nothing escapes to native code. Opening a
 * file sets {@code keep_cache} (the layer is immutable, so the page cache stays valid across opens)
 * and stores the inode as the file handle, so reads need no path lookup.
 *
 * <p>With an {@link AccessObserver}, the first open of each regular file is reported and the bytes
 * read are counted ({@link AccessTracker}: lock-free, no allocation per read).
 *
 * <p>Thread-safe: libfuse calls from several worker threads; all state is immutable except the
 * access counters.
 */
final class LayerFileSystem extends NativeFileSystem {
  static final String OPAQUE_XATTR = "trusted.overlay.opaque";
  private static final byte[] OPAQUE_VALUE = {'y'};
  private static final int O_ACCMODE = 03;
  private static final int O_RDONLY = 0;
  private static final int NAME_MAX = 255;

  private final LayerTree tree;
  private final ChunkSource source;
  private final ErrnoMapper errno;
  private final long totalBytes;
  private final AccessTracker accesses;

  LayerFileSystem(TocIndex index, ChunkSource source, ErrnoMapper errno, AccessObserver observer) {
    this.tree = new LayerTree(index);
    this.source = source;
    this.errno = errno;
    this.accesses = AccessTracker.forIndex(index, observer);
    long total = 0;
    for (TocNode node : index.nodes()) {
      if (node.isRegularFile()) {
        total += node.entry().size();
      }
    }
    this.totalBytes = total;
  }

  @Override
  public int getattr(String path, FileStat stat) {
    return errno.call(
        "getattr",
        path,
        () -> {
          Optional<LayerNode> node = tree.lookup(path);
          if (node.isEmpty()) {
            return -ErrorCodes.ENOENT();
          }
          NodeAttributes.fill(node.get(), stat);
          return 0;
        });
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
    return errno.call(
        "readdir",
        path,
        () -> {
          Optional<LayerNode> dir = tree.lookup(path);
          if (dir.isEmpty()) {
            return -ErrorCodes.ENOENT();
          }
          if (dir.get().whiteout() || !dir.get().tocNode().isDirectory()) {
            return -ErrorCodes.ENOTDIR();
          }
          // One stat buffer reused per entry: libfuse copies inode and type out of it.
          FileStat stat = new FileStat(Runtime.getSystemRuntime());
          NodeAttributes.fill(dir.get(), stat);
          filler.apply(buf, ".", stat, 0);
          filler.apply(buf, "..", null, 0);
          for (LayerNode child : tree.children(dir.get())) {
            NodeAttributes.fill(child, stat);
            if (filler.apply(buf, child.name(), stat, 0) != 0) {
              break;
            }
          }
          return 0;
        });
  }

  @Override
  public int readlink(String path, Pointer buf, long size) {
    return errno.call(
        "readlink",
        path,
        () -> {
          Optional<LayerNode> node = tree.lookup(path);
          if (node.isEmpty()) {
            return -ErrorCodes.ENOENT();
          }
          TocEntry e = node.get().tocNode().entry();
          if (node.get().whiteout() || e.type() != TocEntryType.SYMLINK) {
            return -ErrorCodes.EINVAL();
          }
          if (size <= 0) {
            return -ErrorCodes.EINVAL();
          }
          byte[] target = e.linkName().getBytes(StandardCharsets.UTF_8);
          // libfuse wants a NUL-terminated string, truncated to fit.
          int n = (int) Math.min(target.length, size - 1);
          buf.put(0, target, 0, n);
          buf.putByte(n, (byte) 0);
          return 0;
        });
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    return errno.call(
        "open",
        path,
        () -> {
          Optional<LayerNode> node = tree.lookup(path);
          if (node.isEmpty()) {
            return -ErrorCodes.ENOENT();
          }
          if ((fi.flags.get() & O_ACCMODE) != O_RDONLY) {
            return -ErrorCodes.EROFS();
          }
          TocNode toc = node.get().tocNode();
          if (node.get().whiteout() || !toc.isRegularFile()) {
            return toc.isDirectory() ? -ErrorCodes.EISDIR() : -ErrorCodes.EACCES();
          }
          fi.fh.set(toc.inode());
          FuseFileInfoFlags.setKeepCache(fi);
          if (accesses != null) {
            accesses.opened(toc);
          }
          return 0;
        });
  }

  @Override
  public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    return errno.call(
        "read",
        path,
        () -> {
          long inode = fi.fh.get();
          Optional<TocNode> file = tree.file(inode);
          if (file.isEmpty()) {
            return -ErrorCodes.EBADF();
          }
          long fileSize = file.get().entry().size();
          if (offset >= fileSize || size <= 0) {
            return 0;
          }
          int n = (int) Math.min(Math.min(size, fileSize - offset), Integer.MAX_VALUE);
          // Chunk sources write straight into libfuse's reply buffer: no copy in between.
          readFile(file.get(), offset, ReplyBuffers.wrap(buf, n));
          if (accesses != null) {
            accesses.read(inode, n);
          }
          return n;
        });
  }

  /** Fills {@code out} (position to limit) with the file's bytes starting at {@code offset}. */
  private void readFile(TocNode file, long offset, ByteBuffer out) throws IOException {
    TocIndex index = tree.index();
    List<TocChunk> chunks = index.chunks(file);
    long end = offset + out.remaining();
    long pos = offset;
    for (int i = index.chunkIndexAt(file, offset); pos < end; i++) {
      TocChunk chunk = chunks.get(i);
      int length = (int) (Math.min(end, chunk.fileEnd()) - pos);
      ByteBuffer dst = out.slice(out.position(), length);
      source.read(chunk, pos - chunk.fileOffset(), dst);
      if (dst.hasRemaining()) {
        throw new IOException(
            "read "
                + file
                + ": chunk source left "
                + dst.remaining()
                + " bytes unfilled for "
                + chunk);
      }
      out.position(out.position() + length);
      pos += length;
    }
  }

  @Override
  public int getxattr(String path, String name, Pointer value, long size) {
    return errno.call(
        "getxattr",
        path,
        () -> {
          Optional<LayerNode> node = tree.lookup(path);
          if (node.isEmpty()) {
            return -ErrorCodes.ENOENT();
          }
          byte[] v = xattrs(node.get()).get(name);
          if (v == null) {
            return -ErrorCodes.ENODATA();
          }
          return copyOut(v, value, size);
        });
  }

  @Override
  public int listxattr(String path, Pointer list, long size) {
    return errno.call(
        "listxattr",
        path,
        () -> {
          Optional<LayerNode> node = tree.lookup(path);
          if (node.isEmpty()) {
            return -ErrorCodes.ENOENT();
          }
          ByteArrayOutputStream names = new ByteArrayOutputStream();
          for (String name : xattrs(node.get()).keySet()) {
            names.writeBytes(name.getBytes(StandardCharsets.UTF_8));
            names.write(0);
          }
          return copyOut(names.toByteArray(), list, size);
        });
  }

  /** The node's xattrs: the TOC's, plus {@code trusted.overlay.opaque=y} on opaque directories. */
  private static Map<String, byte[]> xattrs(LayerNode node) {
    Map<String, byte[]> xattrs = new LinkedHashMap<>();
    if (node.whiteout()) {
      return xattrs;
    }
    TocEntry e = node.tocNode().entry();
    for (String key : e.xattrs().keySet()) {
      xattrs.put(key, e.xattr(key));
    }
    if (node.opaque()) {
      xattrs.put(OPAQUE_XATTR, OPAQUE_VALUE);
    }
    return xattrs;
  }

  /** The xattr size protocol: size 0 asks for the length; a short buffer is ERANGE. */
  private static int copyOut(byte[] bytes, Pointer dst, long size) {
    if (size == 0) {
      return bytes.length;
    }
    if (size < bytes.length) {
      return -ErrorCodes.ERANGE();
    }
    dst.put(0, bytes, 0, bytes.length);
    return bytes.length;
  }

  @Override
  public int statfs(String path, Statvfs stat) {
    return errno.call(
        "statfs",
        path,
        () -> {
          stat.f_bsize.set(NodeAttributes.BLOCK_SIZE);
          stat.f_frsize.set(NodeAttributes.BLOCK_SIZE);
          stat.f_blocks.set(
              (totalBytes + NodeAttributes.BLOCK_SIZE - 1) / NodeAttributes.BLOCK_SIZE);
          stat.f_bfree.set(0);
          stat.f_bavail.set(0);
          stat.f_files.set(tree.index().size());
          stat.f_ffree.set(0);
          stat.f_favail.set(0);
          stat.f_namemax.set(NAME_MAX);
          stat.f_flag.set(Statvfs.ST_RDONLY);
          return 0;
        });
  }
}
