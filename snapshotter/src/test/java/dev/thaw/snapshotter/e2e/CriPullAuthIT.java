package dev.thaw.snapshotter.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.indexer.ThawIndexerMain;
import dev.thaw.testimages.containerd.Commands;
import dev.thaw.testimages.containerd.ContainerdExtension;
import dev.thaw.testimages.recipes.ImageRecipes;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * {@code thaw-snapshotter pull} from a registry that requires Basic auth: the credentials reach
 * containerd's CRI plugin as the request's {@code AuthConfig} (from {@code --user}/{@code
 * --password} or a docker config), and Thaw, with the same registry in its own docker config,
 * mounts the layers lazily. Needs what {@link CriPullIT} needs.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CriPullAuthIT {
  private static final Duration PULL = Duration.ofMinutes(3);
  private static final Path DIR = tempDir();

  @RegisterExtension
  @Order(1)
  static final RegistryExtension registry = RegistryExtension.withBasicAuth();

  @RegisterExtension
  @Order(2)
  static final LazyDaemon thaw =
      new LazyDaemon(registry::host).withDockerConfig(CriPullAuthIT::dockerConfig);

  @RegisterExtension
  @Order(3)
  static final ContainerdExtension containerd =
      new ContainerdExtension().withCri("thaw").withConfig(thaw.proxyConfig());

  static String toolsEsgz;

  @BeforeAll
  static void convertIntoTheRegistry() throws Exception {
    Path layout = ImageRecipes.fromEnvironment().hostToolsLayout();
    toolsEsgz = registry.host() + "/private/tools:1-esgz";
    StringWriter err = new StringWriter();
    int code =
        ThawIndexerMain.run(
            new String[] {
              "convert",
              "--insecure-registry",
              registry.host(),
              "--docker-config",
              dockerConfig().toString(),
              "oci:" + layout + ":" + ImageRecipes.TAG,
              toolsEsgz
            },
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            false,
            Map.of());
    assertEquals(0, code, "convert into " + toolsEsgz + ": " + err);
  }

  @AfterAll
  static void deleteDockerConfig() throws IOException {
    Files.deleteIfExists(DIR.resolve("config.json"));
    Files.deleteIfExists(DIR);
  }

  @Test
  @Order(1)
  void pull_withoutCredentials_failsUnauthorized() throws Exception {
    Commands.Result pull = pull("--docker-config", DIR.resolve("absent.json").toString());
    assertEquals(1, pull.exitCode(), pull.stdout());
    assertTrue(
        pull.stderr().toLowerCase(Locale.ROOT).contains("unauthorized")
            || pull.stderr().contains("401"),
        pull.stderr());
    assertEquals(1, pull.stderr().strip().lines().count(), pull.stderr());
  }

  @Test
  @Order(2)
  void pull_withUserAndPassword_mountsLazilyAndRuns() throws Exception {
    Commands.Result pull =
        pull("--user", RegistryExtension.USERNAME, "--password", RegistryExtension.PASSWORD);
    assertEquals(0, pull.exitCode(), pull.stderr());
    String log = thaw.log();
    assertTrue(log.contains("remote-snapshot-prepared=true key=k8s.io/"), log);
    assertFalse(log.contains("remote-snapshot-prepared=false"), log);
    String out =
        containerd.ctr(
            PULL, "-n", "k8s.io", "run", "--snapshotter", "thaw", "--rm", toolsEsgz, "auth1");
    assertEquals(ImageRecipes.HELLO_OUTPUT, out.strip());
  }

  @Test
  @Order(3)
  void pull_withDockerConfig_resolvesWithItsCredentials() throws Exception {
    // The image is present by now, but CRI still resolves the tag at the registry.
    Commands.Result pull = pull("--docker-config", dockerConfig().toString());
    assertEquals(0, pull.exitCode(), pull.stderr());
    assertTrue(pull.stdout().startsWith("pulled " + toolsEsgz), pull.stdout());
  }

  private static Commands.Result pull(String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of("pull", "--address", containerd.address()));
    args.addAll(List.of(options));
    args.add(toolsEsgz);
    return LazyDaemon.cli(PULL, args);
  }

  /** A docker config with the registry's credentials (written once the registry runs). */
  private static Path dockerConfig() {
    try {
      return registry.writeDockerConfig(DIR.resolve("config.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("thaw-cri-auth-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
