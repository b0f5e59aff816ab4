package dev.thaw.snapshotter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.testimages.containerd.CommandFailedException;
import dev.thaw.testimages.containerd.ContainerdExtension;
import dev.thaw.testimages.recipes.ImageRecipes;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Containers run on thaw with a normal (non-lazy) pull from a local registry, and keep running
 * after the daemon is SIGKILLed and restarted. Needs root, containerd 1.6, runc, docker-registry,
 * umoci and skopeo (CI has them).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerRunIT {

  @RegisterExtension
  @Order(1)
  static final ThawDaemon thaw = ThawDaemon.inNewTempDir();

  @RegisterExtension
  @Order(3)
  static final RegistryExtension registry = new RegistryExtension();

  @RegisterExtension
  @Order(2)
  static final ContainerdExtension containerd =
      new ContainerdExtension()
          .withConfig(String.join("\n", ThawDaemon.proxyConfig(thaw.socket())));

  static String ref;

  @BeforeAll
  static void push() throws Exception {
    ImageRecipes recipes = ImageRecipes.fromEnvironment();
    ref = recipes.push(recipes.hostToolsLayout(), registry.host(), "thaw/hello:1");
  }

  @AfterAll
  static void stopThaw() throws Exception {
    containerd.ctr("image", "rm", ref);
  }

  @Test
  @Order(1)
  void run_afterNormalPullOnThaw_printsExpectedOutput() throws IOException {
    containerd.ctr(
        Duration.ofMinutes(3), "image", "pull", "--plain-http", "--snapshotter", "thaw", ref);
    String out = containerd.ctr("run", "--snapshotter", "thaw", "--rm", ref, "c1");
    assertEquals(ImageRecipes.HELLO_OUTPUT, out.strip());
    String snapshots = containerd.ctr("snapshots", "--snapshotter", "thaw", "ls");
    assertEquals(2, snapshots.lines().filter(l -> l.contains("Committed")).count(), snapshots);
  }

  @Test
  @Order(2)
  void restart_afterSigkill_snapshotsListedAndContainersStart() throws Exception {
    String before = containerd.ctr("snapshots", "--snapshotter", "thaw", "ls");
    String layer = before.lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];
    String infoBefore = containerd.ctr("snapshots", "--snapshotter", "thaw", "info", layer);
    thaw.kill();
    thaw.start();
    assertTrue(thaw.log().contains("serving snapshots"), thaw.log());
    assertEquals(before, awaitCtr("snapshots", "--snapshotter", "thaw", "ls"));
    assertEquals(infoBefore, containerd.ctr("snapshots", "--snapshotter", "thaw", "info", layer));
    String out = containerd.ctr("run", "--snapshotter", "thaw", "--rm", ref, "c2");
    assertEquals(ImageRecipes.HELLO_OUTPUT, out.strip());
  }

  /** containerd's client reconnects with backoff after the daemon restarted. */
  private static String awaitCtr(String... args) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return containerd.ctr(args);
      } catch (CommandFailedException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(250);
      }
    }
  }
}
