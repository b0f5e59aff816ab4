package dev.thaw.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import dev.thaw.image.toc.TocIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real FUSE mounts of TOCs built in code, served from memory. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LayerMountIT {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /** A valid VFS capability v2 value (cap_net_raw+ep); the kernel rejects malformed ones. */
  private static final byte[] CAP_NET_RAW_EP = {
    1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  @TempDir Path tmp;

  private final MemoryChunkSource source = new MemoryChunkSource();

  private LayerMount mount(TocIndex index, ChunkSource chunks) throws IOException {
    Path mnt = Files.createDirectories(tmp.resolve("mnt"));
    return LayerMount.mount(index, chunks, mnt, MountOptions.named("test"));
  }

  private TocIndex everyType() throws IOException {
    return new TestTocs(source)
        .dir("etc/", 0755)
        .file("etc/hosts", 0644, "127.0.0.1 localhost\n".getBytes(StandardCharsets.UTF_8))
        .file("etc/empty", 0600, new byte[0])
        .file("bin/tool", 04755, TestTocs.pattern(300_000, 1), 65536)
        .add(
            TocEntry.builder("bin/tool-link", TocEntryType.HARDLINK)
                .linkName("bin/tool")
                .modTime(TestTocs.MTIME)
                .build())
        .add(
            TocEntry.builder("etc/localtime", TocEntryType.SYMLINK)
                .linkName("/usr/share/zoneinfo/UTC")
                .mode(0777)
                .modTime(TestTocs.MTIME)
                .build())
        .add(
            TocEntry.builder("dev/null", TocEntryType.CHAR)
                .devMajor(1)
                .devMinor(3)
                .mode(0666)
                .modTime(TestTocs.MTIME)
                .build())
        .add(
            TocEntry.builder("dev/sda", TocEntryType.BLOCK)
                .devMajor(8)
                .devMinor(300)
                .mode(0660)
                .gid(6)
                .modTime(TestTocs.MTIME)
                .build())
        .add(
            TocEntry.builder("run/fifo", TocEntryType.FIFO)
                .mode(0620)
                .modTime(TestTocs.MTIME)
                .build())
        .add(
            TocEntry.builder("data/", TocEntryType.DIR)
                .mode(0750)
                .uid(7)
                .gid(8)
                .modTime(TestTocs.MTIME)
                .xattr("user.origin", "thaw".getBytes(StandardCharsets.UTF_8))
                .xattr("security.capability", CAP_NET_RAW_EP)
                .build())
        .add(TocEntry.builder("data/.wh.gone", TocEntryType.REG).modTime(TestTocs.MTIME).build())
        .dir("data/fresh/", 0755)
        .add(
            TocEntry.builder("data/fresh/.wh..wh..opq", TocEntryType.REG)
                .modTime(TestTocs.MTIME)
                .build())
        .build();
  }

  private static Map<String, Object> unix(Path p) throws IOException {
    return Files.readAttributes(p, "unix:*", NOFOLLOW);
  }

  @Test
  void getattr_everyEntryType_reportsTocModesOwnersSizesTimesDevices() throws Exception {
    TocIndex index = everyType();
    try (LayerMount m = mount(index, source)) {
      Path root = m.mountpoint();
      Map<String, Object> hosts = unix(root.resolve("etc/hosts"));
      assertEquals(0100644, hosts.get("mode"));
      assertEquals(1000, hosts.get("uid"));
      assertEquals(1001, hosts.get("gid"));
      assertEquals(20L, hosts.get("size"));
      assertEquals(
          TestTocs.MTIME.toEpochMilli(),
          Files.getLastModifiedTime(root.resolve("etc/hosts"), NOFOLLOW).toMillis());
      assertEquals(index.lookup("etc/hosts").orElseThrow().inode(), hosts.get("ino"));

      assertEquals(0104755, unix(root.resolve("bin/tool")).get("mode"));
      assertEquals(2, unix(root.resolve("bin/tool")).get("nlink"));
      assertEquals(
          unix(root.resolve("bin/tool")).get("ino"),
          unix(root.resolve("bin/tool-link")).get("ino"));

      Map<String, Object> link = unix(root.resolve("etc/localtime"));
      assertEquals(0120777, link.get("mode"));
      assertEquals(23L, link.get("size"));
      assertEquals(
          Path.of("/usr/share/zoneinfo/UTC"),
          Files.readSymbolicLink(root.resolve("etc/localtime")));

      Map<String, Object> nul = unix(root.resolve("dev/null"));
      assertEquals(020666, nul.get("mode"));
      assertEquals(NodeAttributes.deviceNumber(1, 3), nul.get("rdev"));
      assertEquals(060660, unix(root.resolve("dev/sda")).get("mode"));
      assertEquals(NodeAttributes.deviceNumber(8, 300), unix(root.resolve("dev/sda")).get("rdev"));
      assertEquals(010620, unix(root.resolve("run/fifo")).get("mode"));

      Map<String, Object> data = unix(root.resolve("data"));
      assertEquals(040750, data.get("mode"));
      assertEquals(7, data.get("uid"));
      assertEquals(1L, unix(root).get("ino"));
      // Synthesized parent directories exist with 0755.
      assertEquals(040755, unix(root.resolve("run")).get("mode"));
      assertFalse(Files.exists(root.resolve("nope"), NOFOLLOW));
    }
  }

  @Test
  void readdir_whiteoutsAndOpaqueMarker_shownOverlayReady() throws Exception {
    try (LayerMount m = mount(everyType(), source)) {
      Path data = m.mountpoint().resolve("data");
      try (var list = Files.list(data)) {
        assertEquals(
            List.of("fresh", "gone"), list.map(p -> p.getFileName().toString()).sorted().toList());
      }
      Map<String, Object> gone = unix(data.resolve("gone"));
      assertEquals(0020000, (int) gone.get("mode") & 0170000);
      assertEquals(0L, gone.get("rdev"));
      assertFalse(Files.exists(data.resolve(".wh.gone"), NOFOLLOW));
      try (var list = Files.list(data.resolve("fresh"))) {
        assertEquals(0, list.count());
      }
      assertFalse(Files.exists(data.resolve("fresh/.wh..wh..opq"), NOFOLLOW));
      assertEquals("y", getfattr(data.resolve("fresh"), "trusted.overlay.opaque"));
    }
  }

  @Test
  void getxattr_tocXattrs_returnedExactly() throws Exception {
    try (LayerMount m = mount(everyType(), source)) {
      Path data = m.mountpoint().resolve("data");
      assertEquals("thaw", getfattr(data, "user.origin"));
      String dump = run("getfattr", "-d", "-m", "-", "-e", "hex", data.toString());
      assertTrue(
          dump.contains("security.capability=0x0100000200200000000000000000000000000000"), dump);
      assertTrue(dump.contains("user.origin=0x74686177"), dump);
      assertFalse(dump.contains("trusted.overlay.opaque"), dump);
    }
  }

  @Test
  void read_multiChunkFile_returnsExactBytesAtEveryOffset() throws Exception {
    byte[] content = TestTocs.pattern(1_000_003, 7);
    TocIndex index = new TestTocs(source).file("big", 0644, content, 40_000).build();
    try (LayerMount m = mount(index, source);
        FileChannel ch = FileChannel.open(m.mountpoint().resolve("big"), StandardOpenOption.READ)) {
      assertArrayEquals(content, Files.readAllBytes(m.mountpoint().resolve("big")));
      // Positional reads straddling chunk boundaries, after dropping nothing: the page cache may
      // serve them, so compare against the source too.
      for (long pos : new long[] {0, 39_999, 40_000, 79_990, 999_990, 1_000_002}) {
        ByteBuffer dst = ByteBuffer.allocate(20);
        int n = ch.read(dst, pos);
        int expected = (int) Math.min(20, content.length - pos);
        assertEquals(expected, n);
        for (int i = 0; i < n; i++) {
          assertEquals(content[(int) pos + i], dst.get(i), "byte " + (pos + i));
        }
      }
    }
  }

  @Test
  void open_sameFileTwice_secondReadFromPageCache() throws Exception {
    TocIndex index =
        new TestTocs(source).file("f", 0644, TestTocs.pattern(200_000, 3), 65536).build();
    try (LayerMount m = mount(index, source)) {
      Files.readAllBytes(m.mountpoint().resolve("f"));
      long reads = source.reads.get();
      Files.readAllBytes(m.mountpoint().resolve("f"));
      assertEquals(reads, source.reads.get());
    }
  }

  @Test
  void open_withObserver_reportsFirstOpensInOrderAndCountsBytesRead() throws Exception {
    TocIndex index = everyType();
    java.util.concurrent.ConcurrentLinkedQueue<AccessedFile> opened =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    Path mnt = Files.createDirectories(tmp.resolve("observed"));
    try (LayerMount m =
        LayerMount.mount(index, source, mnt, MountOptions.named("observed"), opened::add)) {
      assertTrue(m.isServing());
      Files.readAllBytes(mnt.resolve("bin/tool"));
      Files.readString(mnt.resolve("etc/hosts"));
      Files.newByteChannel(mnt.resolve("bin/tool-link")).close();
      Files.readString(mnt.resolve("etc/hosts"));
      Files.readAttributes(mnt.resolve("etc/empty"), "size");
    }
    assertEquals(
        List.of("/bin/tool", "/etc/hosts"), opened.stream().map(AccessedFile::path).toList());
    // keep_cache: the kernel reads each byte once, however often the file is opened
    assertEquals(300_000, opened.peek().bytesRead());
  }

  @Test
  void read_chunkSourceThrows_catGetsEioAndOtherFilesStillServe() throws Exception {
    TocIndex index =
        new TestTocs(source)
            .file("bad", 0644, TestTocs.pattern(10_000, 4))
            .file("good", 0644, "fine\n".getBytes(StandardCharsets.UTF_8))
            .build();
    TocChunk badChunk = index.chunks(index.lookup("bad").orElseThrow()).getFirst();
    ChunkSource failing =
        (chunk, offset, dst) -> {
          if (chunk.equals(badChunk)) {
            throw new IOException("injected failure for " + chunk);
          }
          source.read(chunk, offset, dst);
        };
    try (LayerMount m = mount(index, failing)) {
      Process cat = new ProcessBuilder("cat", m.mountpoint().resolve("bad").toString()).start();
      assertTrue(cat.waitFor(20, TimeUnit.SECONDS));
      String stderr = new String(cat.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertNotEquals(0, cat.exitValue());
      assertTrue(stderr.contains("Input/output error"), stderr);
      assertEquals("fine\n", run("cat", m.mountpoint().resolve("good").toString()));
      assertTrue(m.isServing());
    }
  }

  @Test
  void open_forWriting_refused() throws Exception {
    TocIndex index = new TestTocs(source).file("f", 0644, new byte[] {1}).build();
    try (LayerMount m = mount(index, source)) {
      Path f = m.mountpoint().resolve("f");
      org.junit.jupiter.api.Assertions.assertThrows(
          IOException.class, () -> Files.write(f, new byte[] {2}));
      org.junit.jupiter.api.Assertions.assertThrows(
          IOException.class, () -> Files.createFile(m.mountpoint().resolve("new")));
    }
  }

  @Test
  void statfs_layer_reportsReadOnlyFileSystem() throws Exception {
    TocIndex index = new TestTocs(source).file("f", 0644, new byte[8192]).build();
    try (LayerMount m = mount(index, source)) {
      String out = run("stat", "-f", "-c", "%b %S %c %T", m.mountpoint().toString());
      assertEquals("2 4096 2 fuseblk", out.strip().replace("fuse ", "fuse"), out);
    }
  }

  @Test
  void close_fileStillOpen_detachesLazilyAndIsIdempotent() throws Exception {
    TocIndex index = new TestTocs(source).file("f", 0644, new byte[] {42}).build();
    LayerMount m = mount(index, source);
    Path mnt = m.mountpoint();
    try (FileChannel ch = FileChannel.open(mnt.resolve("f"), StandardOpenOption.READ)) {
      ch.read(ByteBuffer.allocate(1), 0);
      m.close();
      assertFalse(new MountTable().isFuseMounted(mnt));
      // Detached lazily: the open file keeps working.
      ByteBuffer one = ByteBuffer.allocate(1);
      assertEquals(1, ch.read(one, 0));
      assertEquals(42, one.get(0));
    } finally {
      m.close();
    }
    m.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (m.isServing() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertFalse(m.isServing(), "libfuse loop ends once the last open file is closed");
  }

  static String getfattr(Path p, String name) throws IOException, InterruptedException {
    return run("getfattr", "--only-values", "-n", name, p.toString());
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out + err);
    return out;
  }
}
