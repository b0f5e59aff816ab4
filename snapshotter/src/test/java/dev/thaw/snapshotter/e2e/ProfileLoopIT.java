package dev.thaw.snapshotter.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.indexer.ThawIndexerMain;
import dev.thaw.testimages.containerd.Commands;
import dev.thaw.testimages.containerd.ContainerdExtension;
import dev.thaw.testimages.recipes.ImageRecipes;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profile loop end to end: a converted image is pulled lazily onto thaw (the daemon's shaded
 * jar) in a real containerd, a container reads files in a known order, {@code thaw-snapshotter
 * profile export} (a separate process, while the daemon runs) lists them in that order, and {@code
 * thaw-indexer convert --prefetch} with that list yields an image whose layers put exactly those
 * files, in that order, before {@code .prefetch.landmark}. Needs root, FUSE, containerd 1.6, runc,
 * docker-registry, skopeo, umoci and ctr-remote (CI has them).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProfileLoopIT {
  /** What the container reads, in order: the second layer's files against their tar order. */
  private static final String SCRIPT =
      "head -c 4096 /data/random.bin >/dev/null; cat /data/hello.txt; cat /etc/hostname >/dev/null";

  @RegisterExtension
  @Order(1)
  static final RegistryExtension registry = new RegistryExtension();

  @RegisterExtension
  @Order(2)
  static final LazyDaemon thaw = new LazyDaemon(registry::host);

  @RegisterExtension
  @Order(3)
  static final ContainerdExtension containerd =
      new ContainerdExtension().withConfig(thaw.proxyConfig());

  @TempDir Path tmp;

  static String plain;
  static String lazy;

  @Test
  @Order(1)
  void run_thenExport_thenConvertWithPrefetch_putsReadFilesFirstInReadOrder() throws Exception {
    ImageRecipes recipes = ImageRecipes.fromEnvironment();
    plain = recipes.push(recipes.hostToolsLayout(), registry.host(), "thaw/profiled:1");
    lazy = registry.host() + "/thaw/profiled:1-esgz";
    indexer("convert", "--insecure-registry", registry.host(), plain, lazy);

    containerd.ctrRemote("images", "rpull", "--plain-http", "--snapshotter", "thaw", lazy);
    String out =
        containerd.ctr(
            "run", "--snapshotter", "thaw", "--rm", lazy, "profiled1", "/bin/sh", "-c", SCRIPT);
    assertEquals(ImageRecipes.HELLO_OUTPUT, out.strip());
    assertTrue(thaw.log().contains("profile-recording=true"), thaw.log());

    List<String> hot = exportWhenContains(lazy, "/etc/hostname");
    assertInOrder(
        hot,
        "/bin/sh",
        "/bin/head",
        "/data/random.bin",
        "/bin/cat",
        "/data/hello.txt",
        "/etc/hostname");
    assertEquals(hot.size(), hot.stream().distinct().count(), "duplicates in " + hot);

    Commands.Result list = thaw.cli("profile", "list", "--root", thaw.root().toString());
    assertEquals(0, list.exitCode(), list.stderr());
    assertTrue(list.stdout().startsWith(lazy + "\t"), list.stdout());

    Commands.Result unknown =
        thaw.cli(
            "profile",
            "export",
            registry.host() + "/thaw/nope:1",
            "--root",
            thaw.root().toString());
    assertEquals(1, unknown.exitCode(), unknown.stderr());
    assertTrue(unknown.stderr().contains("images with profiles: " + lazy), unknown.stderr());

    Path hotFile = Files.write(tmp.resolve("hot.txt"), hot, StandardCharsets.UTF_8);
    String optimized = registry.host() + "/thaw/profiled:1-hot";
    indexer(
        "convert",
        "--insecure-registry",
        registry.host(),
        "--prefetch",
        hotFile.toString(),
        plain,
        optimized);
    List<List<String>> prefetched =
        prefetchSets(indexer("inspect", "--insecure-registry", registry.host(), optimized));
    assertEquals(2, prefetched.size(), prefetched.toString());
    List<String> inTools = new ArrayList<>();
    for (String p : hot) {
      if (!p.startsWith("/data/")) {
        inTools.add(p.substring(1));
      }
    }
    assertEquals(inTools.subList(0, Math.min(20, inTools.size())), prefetched.get(0));
    assertEquals(List.of("data/random.bin", "data/hello.txt"), prefetched.get(1));
  }

  @Test
  @Order(2)
  void secondImageSharingBaseLayer_run_exportIncludesSharedLayerFiles() throws Exception {
    ImageRecipes recipes = ImageRecipes.fromEnvironment();
    Path extra = Files.createDirectories(tmp.resolve("extra/opt"));
    Files.writeString(extra.resolve("second.txt"), "second image\n");
    Path layout =
        recipes.buildLayout(
            tmp.resolve("layout"),
            List.of(recipes.hostToolsRootfs(), tmp.resolve("extra")),
            List.of("/bin/cat", "/opt/second.txt"));
    String second = registry.host() + "/thaw/second:1-esgz";
    indexer(
        "convert",
        "--insecure-registry",
        registry.host(),
        recipes.push(layout, registry.host(), "thaw/second:1"),
        second);
    assertEquals(
        layerDigests(lazy).getFirst(),
        layerDigests(second).getFirst(),
        "the converted host-tools layer differs between the images");

    // containerd already has the tools layer: only the second layer is prepared
    containerd.ctrRemote("images", "rpull", "--plain-http", "--snapshotter", "thaw", second);
    String out =
        containerd.ctr(
            "run",
            "--snapshotter",
            "thaw",
            "--rm",
            second,
            "second1",
            "/bin/sh",
            "-c",
            "head -c 1 /etc/group >/dev/null; cat /opt/second.txt");
    assertEquals("second image", out.strip());

    List<String> hot = exportWhenContains(second, "/opt/second.txt");
    assertInOrder(hot, "/bin/sh", "/bin/head", "/bin/cat", "/opt/second.txt");
  }

  @Test
  @Order(3)
  void daemonRestarted_profilesKept() throws Exception {
    List<String> before = exportWhenContains(lazy, "/etc/hostname");
    assertEquals(143, thaw.stop(), thaw.log());
    thaw.start(registry.host());
    Commands.Result after = thaw.cli("profile", "export", lazy, "--root", thaw.root().toString());
    assertEquals(0, after.exitCode(), after.stderr());
    assertEquals(before, after.stdout().lines().toList());
  }

  /** The layer digests of {@code ref}'s manifest, by {@code thaw-indexer inspect}. */
  private static List<String> layerDigests(String ref) {
    List<String> out = new ArrayList<>();
    for (String line :
        indexer("inspect", "--insecure-registry", registry.host(), ref).lines().toList()) {
      String t = line.strip();
      if (t.startsWith("layer ")) {
        out.add(t.split(" ")[2]);
      }
    }
    return out;
  }

  /**
   * Exports the profile until it lists {@code last} (the export itself waits for pending flushes).
   */
  private static List<String> exportWhenContains(String ref, String last) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      Commands.Result r = thaw.cli("profile", "export", ref, "--root", thaw.root().toString());
      List<String> lines = r.stdout().lines().toList();
      if (r.exitCode() == 0 && lines.contains(last)) {
        return lines;
      }
      assertTrue(
          System.nanoTime() < deadline,
          "export of "
              + ref
              + " lacks "
              + last
              + " after 15 s: exit "
              + r.exitCode()
              + "\n"
              + r.stdout()
              + r.stderr());
      Thread.sleep(300);
    }
  }

  private static void assertInOrder(List<String> lines, String... expected) {
    int last = -1;
    for (String e : expected) {
      int i = lines.indexOf(e);
      assertTrue(
          i > last, e + " missing or out of order " + Arrays.toString(expected) + " in " + lines);
      last = i;
    }
  }

  /** The files of each layer's "prefetch: N files before .prefetch.landmark: a, b" line. */
  private static List<List<String>> prefetchSets(String inspect) {
    List<List<String>> out = new ArrayList<>();
    for (String line : inspect.lines().toList()) {
      String t = line.strip();
      if (!t.startsWith("prefetch: ")) {
        continue;
      }
      int colon = t.indexOf(".prefetch.landmark: ");
      assertTrue(colon > 0, "no prefetch set in: " + t + "\n" + inspect);
      out.add(
          List.of(
              t.substring(colon + ".prefetch.landmark: ".length()).replace(", …", "").split(", ")));
    }
    return out;
  }

  private static String indexer(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ThawIndexerMain.run(
            args, new PrintWriter(out, true), new PrintWriter(err, true), false, Map.of());
    assertEquals(0, code, String.join(" ", args) + ": " + err);
    return out.toString();
  }
}
