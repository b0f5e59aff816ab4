package dev.thaw.indexer.interop;

import dev.thaw.testimages.containerd.Commands;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * A root directory with one of everything a layer can hold, written to disk so that real tools (GNU
 * tar, umoci, ctr-remote) pack it: nested and empty directories, text, empty and multi-chunk
 * incompressible files, many small files, relative and absolute symlinks, a hardlink, a FIFO, a
 * character device, unusual modes and owners, a user xattr, unicode and 255-byte names.
 * Deterministic apart from modification times. Needs root (device node, owners).
 */
final class InteropTree {
  /** 10 MiB and a bit: three chunks at the reference converter's default 4 MiB chunk size. */
  static final int LARGE_FILE_BYTES = (10 << 20) + 12345;

  static final String LONG_NAME = "n".repeat(251) + ".txt";
  static final String UNICODE_NAME = "ünïcødé-名前-😀.txt";

  private InteropTree() {}

  static Path create(Path root) throws IOException {
    Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("deep/a/b/c/d/e"));
    Files.createDirectories(root.resolve("empty-dir"));
    Files.createDirectories(root.resolve("data/small"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
    Files.writeString(root.resolve("deep/a/b/c/d/e/leaf.txt"), "leaf\n");
    Files.write(root.resolve("data/large.bin"), random(LARGE_FILE_BYTES, 42));
    Files.write(root.resolve("data/empty"), new byte[0]);
    for (int i = 0; i < 64; i++) {
      Files.writeString(root.resolve("data/small/file-" + i + ".txt"), "small file " + i + "\n");
    }
    Files.writeString(root.resolve("data/" + UNICODE_NAME), "unicode\n");
    Files.writeString(root.resolve("data/" + LONG_NAME), "long name\n");
    Files.createSymbolicLink(root.resolve("bin/hosts-relative"), Path.of("../etc/hosts"));
    Files.createSymbolicLink(root.resolve("bin/hosts-absolute"), Path.of("/etc/hosts"));
    Files.createSymbolicLink(root.resolve("bin/dangling"), Path.of("/nowhere/at/all"));
    Files.createLink(root.resolve("data/hosts-hardlink"), root.resolve("etc/hosts"));

    Path tool = root.resolve("bin/tool");
    Files.write(tool, random(3000, 7));
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
    Path secret = root.resolve("etc/secret");
    Files.writeString(secret, "secret\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Files.setAttribute(secret, "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(secret, "unix:gid", 1001, LinkOption.NOFOLLOW_LINKS);
    Path setuid = root.resolve("bin/setuid");
    Files.writeString(setuid, "#!/bin/sh\n");
    Files.setAttribute(setuid, "unix:mode", 04755, LinkOption.NOFOLLOW_LINKS);

    UserDefinedFileAttributeView xattrs =
        Files.getFileAttributeView(root.resolve("etc/hosts"), UserDefinedFileAttributeView.class);
    xattrs.write("thaw", ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));

    Duration limit = Duration.ofSeconds(10);
    Commands.check(limit, List.of("mkfifo", "-m", "0640", root.resolve("data/fifo").toString()));
    Commands.check(
        limit, List.of("mknod", "-m", "0666", root.resolve("data/null").toString(), "c", "1", "3"));
    return root;
  }

  static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
