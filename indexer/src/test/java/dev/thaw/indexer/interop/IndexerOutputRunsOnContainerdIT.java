package dev.thaw.indexer.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.testimages.containerd.ContainerdExtension;
import dev.thaw.testimages.recipes.ImageRecipes;
import dev.thaw.testimages.registry.RegistryExtension;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Images converted by {@code thaw-indexer} stay ordinary OCI images: a plain containerd 1.6 with
 * the overlayfs snapshotter pulls them and runc runs them, with the same file contents as the
 * source image.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class IndexerOutputRunsOnContainerdIT {
  @RegisterExtension static final RegistryExtension registry = new RegistryExtension();
  @RegisterExtension static final ContainerdExtension containerd = new ContainerdExtension();

  private static final ImageRecipes recipes = ImageRecipes.fromEnvironment();
  private static final AtomicInteger containers = new AtomicInteger();

  @ParameterizedTest
  @ValueSource(strings = {"estargz", "zstd-chunked"})
  void convert_hostToolsImage_pullsAndRunsWithSameContent(String format) throws Exception {
    String source = recipes.push(recipes.hostToolsLayout(), registry.host(), "tools:1");
    String converted = registry.host() + "/tools:1-" + format;
    IndexerCli.run(
        "convert", "--format", format, "--insecure-registry", registry.host(), source, converted);

    assertEquals(ImageRecipes.HELLO_OUTPUT, run(converted).strip());
    String check = "sha256sum /data/random.bin /data/hello.txt /bin/sh; ls -ln /bin | wc -l";
    assertEquals(run(source, "/bin/sh", "-c", check), run(converted, "/bin/sh", "-c", check));
  }

  @ParameterizedTest
  @ValueSource(strings = {"estargz"})
  void convert_debianWithWeights_pullsAndRunsWithSameContent(String format) throws Exception {
    String source =
        recipes.push(recipes.debianWithWeightsLayout(8 << 20), registry.host(), "debian:1");
    String converted = registry.host() + "/debian:1-" + format;
    IndexerCli.run(
        "convert", "--format", format, "--insecure-registry", registry.host(), source, converted);

    assertEquals("READY", run(converted).strip());
    // Content, modes, owners, link targets and device nodes of the whole tree, then the weights.
    String check =
        "cd / && find etc usr/bin usr/lib/x86_64-linux-gnu var -xdev -printf '%p %m %U %G %l %s\\n'"
            + " | sort | sha256sum && sha256sum /models/model.safetensors /usr/bin/dpkg";
    String expected = run(source, "/bin/sh", "-c", check);
    assertTrue(expected.contains("model.safetensors"), expected);
    assertEquals(expected, run(converted, "/bin/sh", "-c", check));
  }

  private static String run(String image, String... command) throws Exception {
    containerd.ctr("image", "pull", "--plain-http", image);
    String id = "c" + containers.incrementAndGet();
    String[] args = new String[5 + command.length];
    args[0] = "run";
    args[1] = "--rm";
    args[2] = "--snapshotter=overlayfs";
    args[3] = image;
    args[4] = id;
    System.arraycopy(command, 0, args, 5, command.length);
    return containerd.ctr(args);
  }
}
