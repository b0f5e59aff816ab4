package dev.thaw.snapshotter.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.indexer.ThawIndexerMain;
import dev.thaw.testimages.containerd.Commands;
import dev.thaw.testimages.containerd.ContainerdDaemon;
import dev.thaw.testimages.containerd.ContainerdExtension;
import dev.thaw.testimages.containerd.Mounts;
import dev.thaw.testimages.recipes.ImageRecipes;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lazy pull the way kubelet starts it: {@code thaw-snapshotter pull} (the shaded jar, as {@code
 * bin/thaw-snapshotter} runs it) asks a real containerd's CRI image service to pull; containerd's
 * CRI plugin unpacks with snapshotter {@code thaw} and passes the {@code cri.image-ref} and {@code
 * cri.layer-digest} labels, and Thaw mounts the layers lazily. Then {@code ctr -n k8s.io run
 * --snapshotter thaw} starts a container from the image. Needs root, FUSE, containerd 1.6 with its
 * CRI plugin, runc and docker-registry (CI has them).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CriPullIT {
  private static final Duration PULL = Duration.ofMinutes(3);

  @RegisterExtension
  @Order(1)
  static final RegistryExtension registry = new RegistryExtension();

  @RegisterExtension
  @Order(2)
  static final LazyDaemon thaw = new LazyDaemon(registry::host);

  @RegisterExtension
  @Order(3)
  static final ContainerdExtension containerd =
      new ContainerdExtension().withCri("thaw").withConfig(thaw.proxyConfig());

  static String tools;
  static String toolsEsgz;

  @BeforeAll
  static void pushAndConvert() throws Exception {
    ImageRecipes recipes = ImageRecipes.fromEnvironment();
    tools = recipes.push(recipes.hostToolsLayout(), registry.host(), "thaw/cri-tools:1");
    toolsEsgz = registry.host() + "/thaw/cri-tools:1-esgz";
    StringWriter err = new StringWriter();
    int code =
        ThawIndexerMain.run(
            new String[] {"convert", "--insecure-registry", registry.host(), tools, toolsEsgz},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            false,
            Map.of());
    assertEquals(0, code, "convert " + tools + ": " + err);
  }

  @Test
  @Order(1)
  void pull_convertedImage_mountsLayersLazilyAndRuns() throws Exception {
    Commands.Result pull = pull(containerd.address(), toolsEsgz);
    assertEquals(0, pull.exitCode(), pull.stderr());
    assertTrue(pull.stdout().startsWith("pulled " + toolsEsgz + " (image sha256:"), pull.stdout());

    String log = thaw.log();
    // Only CRI's labels name the image here (no ctr-remote): the prepares came through CRI.
    assertTrue(log.contains("remote-snapshot-prepared=true key=k8s.io/"), log);
    assertFalse(log.contains("remote-snapshot-prepared=false"), log);
    List<Long> layers = RegistryManifests.layerSizes(toolsEsgz);
    assertEquals(
        layers.size(), (int) thaw.metric("thaw_remote_prepares_total{result=\"succeeded\"}"));
    List<String> fuse = Mounts.mountPointsUnder(thaw.root(), "fuse");
    assertEquals(layers.size(), fuse.size(), "FUSE mounts under " + thaw.root() + ": " + fuse);
    long image = layers.stream().mapToLong(Long::longValue).sum();
    long fetchedByPull = thaw.fetchedBytes();
    // Mounted, not downloaded: the pull read no file contents (the image has no landmark, so
    // nothing is prefetched; the TOCs are fetched outside these counters).
    assertTrue(fetchedByPull < image / 10, "pull fetched " + fetchedByPull + " of " + image);

    long start = System.nanoTime();
    String out =
        containerd.ctr(
            PULL, "-n", "k8s.io", "run", "--snapshotter", "thaw", "--rm", toolsEsgz, "cri1");
    long runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(ImageRecipes.HELLO_OUTPUT, out.strip());
    long fetched = thaw.fetchedBytes();
    System.out.printf(
        "CRI pull of %s: %s; fetched by the pull %d, after the run %d of %d layer bytes; run %d"
            + " ms%n",
        toolsEsgz, pull.stdout().strip(), fetchedByPull, fetched, image, runMillis);
    assertTrue(fetched > fetchedByPull, "the run read nothing through FUSE: " + fetched);
    assertTrue(
        thaw.metric("thaw_mount_first_read_seconds_count") >= 1,
        "no time from mount to first read recorded");
  }

  @Test
  @Order(2)
  void pull_unconvertedImage_fallsBackAndRuns() throws Exception {
    Commands.Result pull = pull(containerd.address(), tools);
    assertEquals(0, pull.exitCode(), pull.stderr());
    String out =
        containerd.ctr(PULL, "-n", "k8s.io", "run", "--snapshotter", "thaw", "--rm", tools, "cri2");
    assertEquals(ImageRecipes.HELLO_OUTPUT, out.strip());
    String log = thaw.log();
    assertTrue(
        log.contains("remote-snapshot-prepared=false reason=\"no TOC digest label"),
        "log:\n" + log);
    assertEquals(
        RegistryManifests.layerSizes(tools).size(),
        (int) thaw.metric("thaw_remote_prepares_total{result=\"fell-back\"}"));
  }

  @Test
  @Order(3)
  void pull_containerdWithoutCri_saysToEnableIt() throws Exception {
    try (ContainerdDaemon plain = ContainerdDaemon.start("", false)) {
      Commands.Result pull = pull(plain.address(), toolsEsgz);
      assertEquals(1, pull.exitCode(), pull.stdout());
      assertTrue(pull.stderr().contains("containerd serves no CRI"), pull.stderr());
      assertTrue(pull.stderr().contains("enable its CRI plugin"), pull.stderr());
      assertEquals(1, pull.stderr().strip().lines().count(), pull.stderr());
    }
  }

  @Test
  @Order(4)
  void pull_criWithDefaultConfig_namesTheSettingsToChange() throws Exception {
    // containerd 1.6's defaults: CRI unpacks with overlayfs and passes no layer annotations.
    try (ContainerdDaemon defaults = ContainerdDaemon.start("", true)) {
      Commands.Result thawPull = pull(defaults.address(), toolsEsgz);
      assertEquals(1, thawPull.exitCode(), thawPull.stdout());
      assertTrue(
          thawPull.stderr().contains("snapshotter \"overlayfs\", not \"thaw\""), thawPull.stderr());

      Commands.Result overlayPull =
          pull(defaults.address(), toolsEsgz, "--snapshotter", "overlayfs");
      assertEquals(1, overlayPull.exitCode(), overlayPull.stdout());
      assertTrue(
          overlayPull.stderr().contains("set disable_snapshot_annotations = false"),
          overlayPull.stderr());
    }
  }

  @Test
  @Order(5)
  void pull_noContainerdAtAddress_saysSo() throws Exception {
    Path missing = Files.createTempDirectory("thaw-cri-").resolve("containerd.sock");
    Commands.Result pull = pull(missing.toString(), toolsEsgz);
    assertEquals(1, pull.exitCode(), pull.stdout());
    assertTrue(
        pull.stderr().contains("connect to containerd at " + missing + ": no such socket"),
        pull.stderr());
    Files.delete(missing.getParent());
  }

  /** {@code thaw-snapshotter pull --address ADDRESS REF extra…} from the shaded jar. */
  private static Commands.Result pull(String address, String ref, String... extra)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("pull", "--address", address, "--timeout", "3m"));
    args.addAll(List.of(extra));
    args.add(ref);
    return LazyDaemon.cli(PULL.plusMinutes(1), args);
  }
}
