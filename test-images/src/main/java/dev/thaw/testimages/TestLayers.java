package dev.thaw.testimages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Deterministic tar layers built in code: {@code TestLayers.tar(dir("etc/"), file("etc/hosts",
 * bytes), symlink(..), hardlink(..), whiteout(..))}. Same entries, same bytes: PAX headers for long
 * and non-ASCII names, big numbers and xattrs ({@code SCHILY.xattr.*}); every entry's modification
 * time defaults to {@link TestEntry#DEFAULT_MOD_TIME}, owners to 0.
 *
 * <p>Thread-safe (stateless).
 */
public final class TestLayers {
  private TestLayers() {}

  /** The tar of {@code entries}, in memory. */
  public static byte[] tar(TestEntry... entries) {
    return tar(List.of(entries));
  }

  /** The tar of {@code entries}, in memory. */
  public static byte[] tar(List<TestEntry> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writeTar(out, entries);
    } catch (IOException e) {
      throw new UncheckedIOException("write test tar in memory", e);
    }
    return out.toByteArray();
  }

  /** Streams the tar of {@code entries} to {@code out} (not closed); for large layers. */
  public static void writeTar(OutputStream out, List<TestEntry> entries) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosing(out));
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    byte[] buf = new byte[64 * 1024];
    for (TestEntry e : entries) {
      tar.putArchiveEntry(header(e));
      if (e.kind() == TestEntry.Kind.FILE && e.size() > 0) {
        long copied = 0;
        try (InputStream in = e.content().open()) {
          int n;
          while ((n = in.read(buf)) > 0) {
            tar.write(buf, 0, n);
            copied += n;
          }
        }
        if (copied != e.size()) {
          throw new IOException("test entry " + e.name() + ": content " + copied + " != size");
        }
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
    tar.close();
  }

  private static TarArchiveEntry header(TestEntry e) {
    byte flag =
        switch (e.kind()) {
          case DIR -> TarConstants.LF_DIR;
          case FILE -> TarConstants.LF_NORMAL;
          case SYMLINK -> TarConstants.LF_SYMLINK;
          case HARDLINK -> TarConstants.LF_LINK;
          case CHAR -> TarConstants.LF_CHR;
          case BLOCK -> TarConstants.LF_BLK;
          case FIFO -> TarConstants.LF_FIFO;
        };
    String name = e.name();
    if (e.kind() == TestEntry.Kind.DIR && !name.endsWith("/")) {
      name = name + "/";
    }
    TarArchiveEntry t = new TarArchiveEntry(name, flag, true);
    t.setMode(e.mode());
    t.setUserId(e.uid());
    t.setGroupId(e.gid());
    t.setUserName(e.userName());
    t.setGroupName(e.groupName());
    t.setLastModifiedTime(FileTime.from(e.modTime()));
    if (e.kind() == TestEntry.Kind.FILE) {
      t.setSize(e.size());
    }
    if (e.kind() == TestEntry.Kind.SYMLINK || e.kind() == TestEntry.Kind.HARDLINK) {
      t.setLinkName(e.linkName());
    }
    if (e.kind() == TestEntry.Kind.CHAR || e.kind() == TestEntry.Kind.BLOCK) {
      t.setDevMajor(e.devMajor());
      t.setDevMinor(e.devMinor());
    }
    for (Map.Entry<String, String> x : e.xattrs().entrySet()) {
      t.addPaxHeader("SCHILY.xattr." + x.getKey(), x.getValue());
    }
    return t;
  }

  /** A directory, mode 0755. */
  public static TestEntry dir(String path) {
    return entry(path, TestEntry.Kind.DIR, 0, null, "", 0755);
  }

  /** A regular file with {@code content}, mode 0644. */
  public static TestEntry file(String path, byte[] content) {
    return entry(
        path, TestEntry.Kind.FILE, content.length, TestEntry.Content.of(content.clone()), "", 0644);
  }

  /** A regular file with UTF-8 {@code text}, mode 0644. */
  public static TestEntry file(String path, String text) {
    return file(path, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A regular file of {@code size} pseudo-random (incompressible) bytes from {@code seed}. */
  public static TestEntry randomFile(String path, long size, long seed) {
    return entry(
        path,
        TestEntry.Kind.FILE,
        size,
        () -> new GeneratedInputStream(size, seed, false),
        "",
        0644);
  }

  /** A regular file of {@code size} compressible text-like bytes from {@code seed}. */
  public static TestEntry textFile(String path, long size, long seed) {
    return entry(
        path,
        TestEntry.Kind.FILE,
        size,
        () -> new GeneratedInputStream(size, seed, true),
        "",
        0644);
  }

  /** A regular file of {@code size} zero bytes (streams; nothing held in memory). */
  public static TestEntry zeroFile(String path, long size) {
    return entry(path, TestEntry.Kind.FILE, size, () -> new ZeroInputStream(size), "", 0644);
  }

  /** A symbolic link to {@code target}, mode 0777. */
  public static TestEntry symlink(String path, String target) {
    return entry(path, TestEntry.Kind.SYMLINK, 0, null, target, 0777);
  }

  /** A hard link to the earlier entry {@code target}. */
  public static TestEntry hardlink(String path, String target) {
    return entry(path, TestEntry.Kind.HARDLINK, 0, null, target, 0644);
  }

  /** A character device. */
  public static TestEntry charDevice(String path, int major, int minor) {
    return device(path, TestEntry.Kind.CHAR, major, minor);
  }

  /** A block device. */
  public static TestEntry blockDevice(String path, int major, int minor) {
    return device(path, TestEntry.Kind.BLOCK, major, minor);
  }

  /** A FIFO, mode 0644. */
  public static TestEntry fifo(String path) {
    return entry(path, TestEntry.Kind.FIFO, 0, null, "", 0644);
  }

  /** The OCI whiteout for {@code path}: an empty file {@code dir/.wh.name}. */
  public static TestEntry whiteout(String path) {
    int slash = path.lastIndexOf('/');
    String wh = path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
    return file(wh, new byte[0]);
  }

  /** The opaque-directory marker {@code dir/.wh..wh..opq}. */
  public static TestEntry opaque(String dir) {
    String prefix = dir.isEmpty() || dir.endsWith("/") ? dir : dir + "/";
    return file(prefix + ".wh..wh..opq", new byte[0]);
  }

  /** {@code n} deterministic pseudo-random bytes. */
  public static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static TestEntry device(String path, TestEntry.Kind kind, int major, int minor) {
    return new TestEntry(
        path,
        kind,
        0,
        null,
        "",
        0644,
        0,
        0,
        "",
        "",
        major,
        minor,
        TestEntry.DEFAULT_MOD_TIME,
        Map.of());
  }

  private static TestEntry entry(
      String path,
      TestEntry.Kind kind,
      long size,
      TestEntry.Content content,
      String link,
      int mode) {
    return new TestEntry(
        path,
        kind,
        size,
        content,
        link,
        mode,
        0,
        0,
        "",
        "",
        0,
        0,
        TestEntry.DEFAULT_MOD_TIME,
        Map.of());
  }

  /** Keeps {@link TarArchiveOutputStream#close()} from closing the caller's stream. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
