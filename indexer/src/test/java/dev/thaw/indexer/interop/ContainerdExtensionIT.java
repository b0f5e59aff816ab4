package dev.thaw.indexer.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.testimages.containerd.CommandFailedException;
import dev.thaw.testimages.containerd.ContainerdDaemon;
import dev.thaw.testimages.containerd.ContainerdExtension;
import dev.thaw.testimages.containerd.Mounts;
import dev.thaw.testimages.recipes.ImageRecipes;
import dev.thaw.testimages.registry.RegistryExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test support itself: a private containerd pulls from the test registry and runs runc. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ContainerdExtensionIT {
  @RegisterExtension static final RegistryExtension registry = new RegistryExtension();
  @RegisterExtension static final ContainerdExtension containerd = new ContainerdExtension();

  private static final ImageRecipes recipes = ImageRecipes.fromEnvironment();
  private static String image;

  @BeforeAll
  static void pushImage() throws Exception {
    image = recipes.push(recipes.hostToolsLayout(), registry.host(), "tools:1");
    containerd.ctr("image", "pull", "--plain-http", image);
  }

  @Test
  void address_privateSocket_fitsUnixSocketPathAndAnswers() throws Exception {
    assertTrue(containerd.address().length() < 108, containerd.address());
    assertTrue(containerd.address().startsWith("/tmp/"), containerd.address());
    assertTrue(containerd.ctr("version").contains("Server:"));
  }

  @Test
  void ctrRun_imageFromRegistry_printsItsDefaultCommandOutput() throws Exception {
    String out = containerd.ctr("run", "--rm", "--snapshotter", "overlayfs", image, "hello-1");
    assertEquals(ImageRecipes.HELLO_OUTPUT, out.strip());
  }

  @Test
  void ctr_failingCommand_throwsWithStderr() {
    CommandFailedException e =
        assertThrows(
            CommandFailedException.class,
            () -> containerd.ctr("image", "pull", "--plain-http", registry.host() + "/none:1"));
    assertFalse(e.stderr().isBlank());
    assertTrue(e.getMessage().contains("none:1"), e.getMessage());
  }

  @Test
  void close_runningContainer_leavesNoProcessMountOrDirectory() throws Exception {
    Path dir;
    try (ContainerdDaemon daemon = ContainerdDaemon.start("", false)) {
      dir = daemon.directory();
      daemon.ctr("image", "pull", "--plain-http", image);
      daemon.ctr("run", "-d", image, "sleeper", "/bin/sleep", "600");
      assertTrue(daemon.ctr("tasks", "ls").contains("RUNNING"));
      assertFalse(Mounts.mountPointsUnder(dir).isEmpty(), "the container's rootfs is mounted");
    }
    assertEquals(java.util.List.of(), Mounts.mountPointsUnder(dir));
    assertFalse(Files.exists(dir), dir + " still exists");
    String socket = dir.resolve("containerd.sock").toString();
    assertFalse(
        ProcessHandle.allProcesses()
            .anyMatch(p ->
                p.info().arguments().map(a -> String.join(" ", a).contains(socket)).orElse(false)),
        "a process still refers to " + socket);
  }
}
