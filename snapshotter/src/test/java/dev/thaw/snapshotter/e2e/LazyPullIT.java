package dev.thaw.snapshotter.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.indexer.ThawIndexerMain;
import dev.thaw.testimages.containerd.CommandFailedException;
import dev.thaw.testimages.containerd.ContainerdExtension;
import dev.thaw.testimages.recipes.ImageRecipes;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lazy pull end to end: images converted with thaw-indexer and pushed to a real registry are
 * pulled with {@code ctr-remote images rpull} onto thaw (the daemon's shaded jar as a child
 * process) in a real containerd, and run with {@code ctr run}. Needs root, FUSE, containerd 1.6,
 * runc, docker-registry, skopeo, umoci, debootstrap and ctr-remote (CI has them).
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LazyPullIT {
  private static final Duration PULL = Duration.ofMinutes(3);
  private static final long WEIGHTS = 8L << 20;

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

  static String tools;
  static String toolsEsgz;
  static String debianEsgz;

  @BeforeAll
  static void pushAndConvert() throws Exception {
    ImageRecipes recipes = ImageRecipes.fromEnvironment();
    tools = recipes.push(recipes.hostToolsLayout(), registry.host(), "thaw/tools:1");
    toolsEsgz = convert(tools, registry.host() + "/thaw/tools:1-esgz");
    String debian =
        recipes.push(recipes.debianWithWeightsLayout(WEIGHTS), registry.host(), "thaw/debian:1");
    debianEsgz = convert(debian, registry.host() + "/thaw/debian:1-esgz");
  }

  @Test
  @Order(1)
  void rpull_convertedHostTools_runsFromRemoteSnapshots() throws Exception {
    rpull(toolsEsgz);
    String out = containerd.ctr("run", "--snapshotter", "thaw", "--rm", toolsEsgz, "tools1");
    assertEquals(ImageRecipes.HELLO_OUTPUT, out.strip());
    String log = thaw.log();
    assertTrue(log.contains("remote-snapshot-prepared=true"), log);
    assertFalse(log.contains("remote-snapshot-prepared=false"), log);
  }

  @Test
  @Order(2)
  void rpull_convertedDebianWithWeights_fetchesSmallFractionForSmallRead() throws Exception {
    long before = thaw.fetchedBytes();
    long start = System.nanoTime();
    rpull(debianEsgz);
    String out =
        containerd.ctr(
            "run", "--snapshotter", "thaw", "--rm", debianEsgz, "deb1", "cat", "/etc/os-release");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(out.contains("Debian"), out);
    long fetched = thaw.fetchedBytes() - before;
    long image = layersSize(debianEsgz);
    System.out.printf(
        "lazy pull + run of %s: %d ms, fetched %d of %d layer bytes (%.1f%%)%n",
        debianEsgz, millis, fetched, image, 100.0 * fetched / image);
    assertTrue(fetched > 0, "fetched " + fetched);
    assertTrue(fetched < image / 4, "fetched " + fetched + " of " + image);
    assertFalse(thaw.log().contains("remote-snapshot-prepared=false"), thaw.log());
  }

  @Test
  @Order(3)
  void rpull_twoContainersOfOneImage_shareLowerLayers() throws Exception {
    containerd.ctr("container", "create", "--snapshotter", "thaw", debianEsgz, "share1");
    containerd.ctr("container", "create", "--snapshotter", "thaw", debianEsgz, "share2");
    try {
      String lower1 =
          lowerdir(
              containerd.ctr("snapshots", "--snapshotter", "thaw", "mounts", "/mnt", "share1"));
      String lower2 =
          lowerdir(
              containerd.ctr("snapshots", "--snapshotter", "thaw", "mounts", "/mnt", "share2"));
      assertEquals(lower1, lower2);
      assertEquals(2, lower1.split(":").length, lower1);
    } finally {
      containerd.ctr("container", "rm", "share1", "share2");
    }
  }

  @Test
  @Order(4)
  void rpull_unconvertedImage_fallsBackAndRuns() throws Exception {
    rpull(tools);
    String out = containerd.ctr("run", "--snapshotter", "thaw", "--rm", tools, "tools2");
    assertEquals(ImageRecipes.HELLO_OUTPUT, out.strip());
    assertTrue(thaw.log().contains("remote-snapshot-prepared=false"), thaw.log());
  }

  @Test
  @Order(5)
  void mounts_registryGoneAndUnfetchedFileRead_reportsTheRemoteLayerUnhealthy() throws Exception {
    containerd.ctr("container", "create", "--snapshotter", "thaw", debianEsgz, "sick1");
    try {
      // The weights were never read, so no chunk of them is cached: the read must fetch.
      registry.stop();
      CommandFailedException read =
          assertThrows(
              CommandFailedException.class,
              () ->
                  containerd.ctr(
                      "run",
                      "--snapshotter",
                      "thaw",
                      "--rm",
                      debianEsgz,
                      "sick2",
                      "cat",
                      "/models/model.safetensors"));
      assertTrue(read.getMessage().contains("Input/output error"), read.getMessage());
      CommandFailedException mounts =
          assertThrows(
              CommandFailedException.class,
              () ->
                  containerd.ctr("snapshots", "--snapshotter", "thaw", "mounts", "/mnt", "sick1"));
      assertTrue(mounts.getMessage().contains("unhealthy"), mounts.getMessage());
    } finally {
      containerd.ctr("container", "rm", "sick1");
    }
  }

  private static void rpull(String ref) throws IOException {
    containerd.ctrRemote("images", "rpull", "--plain-http", "--snapshotter", "thaw", ref);
  }

  private static String lowerdir(String mounts) {
    Matcher m = Pattern.compile("lowerdir=([^,\\s]+)").matcher(mounts);
    assertTrue(m.find(), mounts);
    return m.group(1);
  }

  private static String convert(String src, String dst) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        ThawIndexerMain.run(
            new String[] {"convert", "--insecure-registry", registry.host(), src, dst},
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            false,
            Map.of());
    assertEquals(0, code, "convert " + src + ": " + err);
    return dst;
  }

  /** The sum of the layer sizes in the image's manifest (a single-platform image). */
  private static long layersSize(String ref) throws IOException, InterruptedException {
    return RegistryManifests.layerSizes(ref).stream().mapToLong(Long::longValue).sum();
  }
}
