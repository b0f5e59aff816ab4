package dev.thaw.fuse;

import static dev.thaw.testimages.TestLayers.blockDevice;
import static dev.thaw.testimages.TestLayers.charDevice;
import static dev.thaw.testimages.TestLayers.dir;
import static dev.thaw.testimages.TestLayers.fifo;
import static dev.thaw.testimages.TestLayers.file;
import static dev.thaw.testimages.TestLayers.hardlink;
import static dev.thaw.testimages.TestLayers.opaque;
import static dev.thaw.testimages.TestLayers.randomBytes;
import static dev.thaw.testimages.TestLayers.symlink;
import static dev.thaw.testimages.TestLayers.textFile;
import static dev.thaw.testimages.TestLayers.whiteout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.chunk.LayerFormat;
import dev.thaw.image.chunk.SeekableLayer;
import dev.thaw.testimages.TestEntry;
import dev.thaw.testimages.TestLayers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Layers built in code, written as eStargz or zstd:chunked by our writers, mounted over FUSE with a
 * {@link ChunkSource} reading the eStargz file (decompress + verify per chunk), compared with GNU
 * tar's extraction of the same tar: content ({@code diff -r}), {@code stat} and xattrs. And
 * overlayfs over two lazily mounted layers. Needs root, FUSE, overlayfs, tar, diff and getfattr
 * (Debian {@code attr}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EstargzLayerMountIT {
  private static final Instant T1 = Instant.parse("2020-02-03T04:05:06Z");

  @TempDir Path tmp;

  static List<TestEntry> everyKind() {
    return List.of(
        dir("etc").withMode(0750).withOwner(1, 2).withModTime(T1),
        file("etc/hosts", "127.0.0.1 localhost\n")
            .withOwner(1000, 1001)
            .withMode(04755)
            .withXattr("user.comment", "hello")
            .withXattr("user.other", "x"),
        file("etc/empty", new byte[0]).withMode(0600),
        symlink("etc/link", "hosts"),
        symlink("etc/abs", "/usr/bin/env"),
        hardlink("etc/hard", "etc/hosts"),
        // Parents explicit and right before their children, as in real layer tars: GNU tar
        // restores a directory's mtime once it moves on, and implicit parents get "now".
        dir("dev"),
        charDevice("dev/null", 1, 3).withMode(0666),
        blockDevice("dev/sdx", 8, 300).withMode(0660).withOwner(0, 6),
        dir("run").withMode(0700),
        fifo("run/fifo").withMode(0620),
        dir("big").withXattr("user.dir", "yes"),
        file("big/random", randomBytes(100_000, 1)).withModTime(T1),
        textFile("big/text", 50_000, 2),
        file("big/exact", randomBytes(8192, 3)),
        hardlink("big/random2", "big/random"),
        dir("u"),
        file("u/ünïcødé ☃", "snow"),
        dir("l"),
        file("l/" + "n".repeat(255), "long name"),
        dir("deep"),
        dir("deep/a"),
        dir("deep/a/b"),
        dir("deep/a/b/c"),
        dir("deep/a/b/c/d").withMode(0700),
        file("deep/a/b/c/d/leaf", "leaf").withMode(0444));
  }

  private LayerMount mountLayer(List<TestEntry> entries, String name) throws IOException {
    return mountLayer(entries, name, LayerFormat.ESTARGZ);
  }

  private LayerMount mountLayer(List<TestEntry> entries, String name, LayerFormat format)
      throws IOException {
    SeekableLayer layer = EstargzFixtures.layer(entries, tmp.resolve(name + ".blob"), format);
    Path mnt = Files.createDirectories(tmp.resolve("mnt-" + name));
    return LayerMount.mount(
        layer.tocIndex(), new LayerFileChunkSource(layer), mnt, MountOptions.named(name));
  }

  @ParameterizedTest
  @EnumSource(LayerFormat.class)
  void mount_everyEntryKind_identicalToTarExtraction(LayerFormat format) throws Exception {
    Path extracted = Files.createDirectory(tmp.resolve("extracted"));
    Path tar = Files.write(tmp.resolve("layer.tar"), TestLayers.tar(everyKind()));
    run(
        extracted,
        "tar",
        "--numeric-owner",
        "--xattrs",
        "--xattrs-include=*",
        "-xpf",
        tar.toString());
    try (LayerMount m = mountLayer(everyKind(), "every", format)) {
      Path mnt = m.mountpoint();
      // diff calls any two special files different (exit 1, "File A is a fifo while file B is a
      // fifo"); stats() compares those. Everything else must be identical.
      String diff =
          runAnyExit(tmp, "diff", "-r", "--no-dereference", extracted.toString(), mnt.toString());
      List<String> differences =
          diff.lines().filter(l -> !SAME_SPECIAL_FILES.matcher(l).matches()).toList();
      assertEquals(List.of(), differences);
      assertEquals(3, diff.lines().count(), diff);
      assertEquals(stats(extracted), stats(mnt));
      assertEquals(xattrs(extracted), xattrs(mnt));
      assertTrue(xattrs(mnt).contains("user.comment=\"hello\""), xattrs(mnt));
    }
  }

  @Test
  void overlay_twoLazyLowerLayers_appliesWhiteoutsAndOpaqueDirectories() throws Exception {
    List<TestEntry> lower =
        List.of(
            file("etc/a", "a from lower\n"),
            file("etc/b", "b from lower\n"),
            file("data/x", "x"),
            file("data/sub/y", "y"),
            file("keep/k", randomBytes(20_000, 9)));
    List<TestEntry> upper =
        List.of(
            file("etc/a", "a from upper\n"),
            whiteout("etc/b"),
            dir("data"),
            opaque("data"),
            file("data/new", "new"),
            whiteout("keep/missing"));
    Path merged = Files.createDirectory(tmp.resolve("merged"));
    try (LayerMount l = mountLayer(lower, "lower");
        LayerMount u = mountLayer(upper, "upper")) {
      run(
          tmp,
          "mount",
          "-t",
          "overlay",
          "overlay",
          "-o",
          "lowerdir=" + u.mountpoint() + ":" + l.mountpoint(),
          merged.toString());
      try {
        assertEquals("a from upper\n", Files.readString(merged.resolve("etc/a")));
        assertFalse(Files.exists(merged.resolve("etc/b")), "whited out");
        assertEquals(List.of("a"), names(merged.resolve("etc")));
        assertEquals(List.of("new"), names(merged.resolve("data")), "opaque: lower data hidden");
        assertFalse(Files.exists(merged.resolve("data/sub/y")));
        assertEquals(List.of("k"), names(merged.resolve("keep")));
        assertEquals(
            run(tmp, "sha256sum", merged.resolve("keep/k").toString()).split(" ")[0],
            run(tmp, "sha256sum", l.mountpoint().resolve("keep/k").toString()).split(" ")[0]);
      } finally {
        run(tmp, "umount", merged.toString());
      }
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * One line per entry below {@code root}: name, raw mode, owner, group, size (not for directories:
   * their size is the file system's business), mtime, link count, device numbers.
   */
  private static String stats(Path root) throws Exception {
    String out =
        run(
            root,
            "sh",
            "-c",
            "find . -mindepth 1 -print0 | sort -z | xargs -0 stat -c '%n|%f|%u|%g|%s|%Y|%h|%t|%T'");
    List<String> lines = new ArrayList<>();
    for (String line : out.split("\n")) {
      String[] f = line.split("\\|");
      if ((Integer.parseInt(f[1], 16) & 0170000) == 0040000) {
        f[4] = "dir";
      }
      lines.add(String.join("|", f));
    }
    return String.join("\n", lines);
  }

  private static String xattrs(Path root) throws Exception {
    // One block per file; sorted, since the walk follows each file system's directory order.
    String dump = run(root, "getfattr", "-R", "-h", "-d", "-m", "-", ".");
    return String.join(
        "\n\n", Arrays.stream(dump.split("\n\n")).map(String::strip).sorted().toList());
  }

  private static final Pattern SAME_SPECIAL_FILES =
      Pattern.compile("File \\S+ is a (.+) while file \\S+ is a \\1");

  static String runAnyExit(Path dir, String... command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    return out;
  }

  static String run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out + err);
    return out;
  }
}
