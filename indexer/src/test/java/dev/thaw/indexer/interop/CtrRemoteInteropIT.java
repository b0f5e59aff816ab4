package dev.thaw.indexer.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.blob.FileBlobSource;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.Manifest;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocNode;
import dev.thaw.testimages.containerd.ContainerdExtension;
import dev.thaw.testimages.recipes.ImageRecipes;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers written by the reference converter ({@code ctr-remote image convert --estargz --oci}, the
 * Debian package {@code stargz-snapshotter}) are opened by our reader: footer found, TOC verified
 * against the layer's {@code containerd.io/snapshot/stargz/toc.digest} annotation, every chunk
 * decompressed and verified, and every file, link, device and attribute matching the source tree.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CtrRemoteInteropIT {
  private static final String TOC_DIGEST = "containerd.io/snapshot/stargz/toc.digest";

  @RegisterExtension static final RegistryExtension registry = new RegistryExtension();
  @RegisterExtension static final ContainerdExtension containerd = new ContainerdExtension();

  @TempDir static Path temp;

  private static Path tree;
  private static Manifest converted;

  @BeforeAll
  static void convertWithReferenceTooling() throws Exception {
    tree = InteropTree.create(temp.resolve("tree"));
    ImageRecipes recipes = ImageRecipes.fromEnvironment();
    Path layout = recipes.buildLayout(temp.resolve("layout"), List.of(tree), List.of());
    String source = recipes.push(layout, registry.host(), "interop:src");
    String target = registry.host() + "/interop:ref-esgz";
    containerd.ctr("image", "pull", "--plain-http", source);
    containerd.ctrRemote("image", "convert", "--estargz", "--oci", source, target);
    converted = Manifest.parse(contentOf(imageDigest(target)));
  }

  @Test
  void open_referenceLayer_tocMatchesAnnotationAndEveryChunkVerifies() throws Exception {
    assertEquals(1, converted.layers().size(), converted.toString());
    Descriptor layer = converted.layers().get(0);
    Digest tocDigest = Digest.parse(layer.annotation(TOC_DIGEST).orElseThrow());
    try (FileBlobSource blob = new FileBlobSource(blobPath(layer.digest()))) {
      LayerReading.Opened opened = LayerReading.open(blob, Optional.of(tocDigest));
      assertEquals(tocDigest, opened.tocDigest());
      int chunks = 0;
      for (TocNode node : opened.index().nodes()) {
        if (node.isRegularFile()) {
          for (TocChunk chunk : opened.index().chunks(node)) {
            assertEquals(chunk.size(), opened.read(chunk).length, chunk.toString());
            chunks++;
          }
        }
      }
      assertTrue(chunks >= 3 + 64, "chunks read: " + chunks);
    }
  }

  @Test
  void open_referenceLayer_everyEntryMatchesTheSourceTree() throws Exception {
    Descriptor layer = converted.layers().get(0);
    try (FileBlobSource blob = new FileBlobSource(blobPath(layer.digest()))) {
      LayerReading.Opened opened = LayerReading.open(blob, Optional.empty());
      TocIndex index = opened.index();
      List<Path> paths;
      try (Stream<Path> walk = Files.walk(tree)) {
        paths = walk.filter(p -> !p.equals(tree)).toList();
      }
      for (Path path : paths) {
        String name = tree.relativize(path).toString();
        TocNode node = index.lookup(name).orElseThrow(() -> new AssertionError("missing " + name));
        assertEntryMatches(path, node, opened);
      }
      TocNode hosts = index.lookup("etc/hosts").orElseThrow();
      TocNode hardlink = index.lookup("data/hosts-hardlink").orElseThrow();
      assertEquals(hosts.inode(), hardlink.inode(), "a hardlink resolves to its target's inode");
      assertEquals(2, hosts.linkCount());
      assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), hosts.entry().xattr("user.thaw"));
    }
  }

  private static void assertEntryMatches(Path path, TocNode node, LayerReading.Opened opened)
      throws Exception {
    TocEntry entry = node.entry();
    String what = path + " as " + entry;
    int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if (Files.isSymbolicLink(path)) {
      assertEquals(TocEntryType.SYMLINK, entry.type(), what);
      assertEquals(Files.readSymbolicLink(path).toString(), entry.linkName(), what);
      return;
    }
    assertEquals(mode & 07777, entry.mode() & 07777, what);
    assertEquals(
        ((Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue(),
        entry.uid(),
        what);
    assertEquals(
        ((Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue(),
        entry.gid(),
        what);
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      assertTrue(node.isDirectory(), what);
    } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      assertTrue(node.isRegularFile(), what);
      assertArrayEquals(Files.readAllBytes(path), contents(node, opened), what);
    } else if ((mode & 0170000) == 0010000) {
      assertEquals(TocEntryType.FIFO, entry.type(), what);
    } else if ((mode & 0170000) == 0020000) {
      assertEquals(TocEntryType.CHAR, entry.type(), what);
      assertEquals(1, entry.devMajor(), what);
      assertEquals(3, entry.devMinor(), what);
    } else {
      throw new AssertionError("unexpected file type in the source tree: " + path);
    }
  }

  private static byte[] contents(TocNode file, LayerReading.Opened opened) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (TocChunk chunk : opened.index().chunks(file)) {
      out.write(opened.read(chunk));
    }
    assertFalse(out.size() == 0 && file.entry().size() != 0, file.toString());
    return out.toByteArray();
  }

  /** The target digest of {@code ref} in containerd's image store. */
  private static Digest imageDigest(String ref) throws Exception {
    for (String line : containerd.ctr("images", "ls").lines().skip(1).toList()) {
      String[] columns = line.trim().split("\\s+");
      if (columns[0].equals(ref)) {
        return Digest.parse(columns[2]);
      }
    }
    throw new AssertionError("no image " + ref + " in containerd");
  }

  private static byte[] contentOf(Digest digest) throws Exception {
    return Files.readAllBytes(blobPath(digest));
  }

  private static Path blobPath(Digest digest) {
    return containerd
        .root()
        .resolve("io.containerd.content.v1.content/blobs")
        .resolve(digest.algorithm())
        .resolve(digest.hex());
  }
}
