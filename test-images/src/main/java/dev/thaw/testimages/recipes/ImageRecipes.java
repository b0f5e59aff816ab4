package dev.thaw.testimages.recipes;

import dev.thaw.testimages.containerd.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Realistic test images built without Docker by the scripts in {@code test-images/recipes/}: root
 * file systems (a cached {@code debootstrap --variant=minbase} of Debian bookworm, or a tiny one
 * from this host's binaries) plus extra files, written as OCI layouts with {@code umoci} and pushed
 * with {@code skopeo}. Built images are cached as OCI layouts under the cache directory ({@code
 * ${THAW_CACHE:-$HOME/.cache/thaw}/images}), so a second test run only pushes.
 *
 * <p>Every image has the tag {@link #TAG} in its layout. Thread-safe as far as the scripts are
 * (debootstrap is locked; two JVMs building the same layout at once may fail the loser).
 */
public final class ImageRecipes {
  /** The tag of every image in its cached OCI layout. */
  public static final String TAG = "latest";

  /** The text the {@link #hostToolsLayout() host-tools} image prints by default. */
  public static final String HELLO_OUTPUT = "hello from thaw";

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

  private final Path recipes;
  private final Path cache;

  /**
   * Uses the recipes in {@code recipes} and caches under {@code cache}.
   *
   * @param recipes the {@code test-images/recipes} directory
   * @param cache where root file systems and layouts are kept between runs
   */
  public ImageRecipes(Path recipes, Path cache) {
    this.recipes = recipes.toAbsolutePath();
    this.cache = cache.toAbsolutePath();
  }

  /**
   * Finds {@code test-images/recipes} from the working directory upwards (a module directory when
   * Maven runs tests) and the cache from {@code THAW_CACHE}, else {@code ~/.cache/thaw}.
   */
  public static ImageRecipes fromEnvironment() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isExecutable(dir.resolve("test-images/recipes/build-image.sh"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "find test-images/recipes above " + Path.of("").toAbsolutePath() + ": not found");
    }
    String env = System.getenv("THAW_CACHE");
    Path cache =
        env != null && !env.isBlank()
            ? Path.of(env)
            : Path.of(System.getProperty("user.home"), ".cache", "thaw");
    return new ImageRecipes(dir.resolve("test-images/recipes"), cache);
  }

  /** The cache directory. */
  public Path cache() {
    return cache;
  }

  /**
   * A Debian bookworm minbase root file system (~130 MB; built once, a few minutes, needs root).
   */
  public Path debianRootfs() throws IOException {
    return Path.of(script("debootstrap-rootfs.sh").strip());
  }

  /** A ~4 MB root file system of this host's {@code sh}, coreutils and their libraries. */
  public Path hostToolsRootfs() throws IOException {
    return Path.of(script("host-tools-rootfs.sh").strip());
  }

  /**
   * A small two-layer image: the {@link #hostToolsRootfs() host tools}, then {@code
   * /data/hello.txt} (the text {@link #HELLO_OUTPUT}) and {@code /data/random.bin} (1 MiB of
   * incompressible bytes). Its default command prints {@code /data/hello.txt}.
   */
  public Path hostToolsLayout() throws IOException {
    Path layout = cache.resolve("images/host-tools-v1");
    if (!Files.exists(layout.resolve("index.json"))) {
      Path hello = Files.createTempFile("thaw-hello-", ".txt");
      try {
        Files.writeString(hello, HELLO_OUTPUT + "\n");
        build(
            layout,
            List.of(
                "--layer", hostToolsRootfs().toString(),
                "--file", hello + ":/data/hello.txt",
                "--random-file", "/data/random.bin:1048576",
                "--cmd", "/bin/cat",
                "--cmd", "/data/hello.txt"));
      } finally {
        Files.deleteIfExists(hello);
      }
    }
    return layout;
  }

  /**
   * The realistic image: a Debian minbase layer, then a layer with {@code
   * /models/model.safetensors} of {@code weightBytes} incompressible bytes (as model weights are).
   * Its default command is {@code /bin/sh -c 'echo READY'}.
   */
  public Path debianWithWeightsLayout(long weightBytes) throws IOException {
    Path layout = cache.resolve("images/debian-weights-" + weightBytes);
    if (!Files.exists(layout.resolve("index.json"))) {
      build(
          layout,
          List.of(
              "--layer", debianRootfs().toString(),
              "--random-file", "/models/model.safetensors:" + weightBytes,
              "--cmd", "/bin/sh",
              "--cmd", "-c",
              "--cmd", "echo READY"));
    }
    return layout;
  }

  /**
   * Builds an OCI layout at {@code layout} (tag {@link #TAG}; must not exist yet) with one layer
   * per root directory, in order, and {@code cmd} as the default command (none when empty). Owners,
   * modes, times, links, device nodes and xattrs are kept as they are on disk.
   */
  public Path buildLayout(Path layout, List<Path> layerRoots, List<String> cmd) throws IOException {
    List<String> args = new ArrayList<>();
    for (Path root : layerRoots) {
      args.add("--layer");
      args.add(root.toAbsolutePath().toString());
    }
    for (String arg : cmd) {
      args.add("--cmd");
      args.add(arg);
    }
    build(layout, args);
    return layout;
  }

  /**
   * Copies the image in {@code layout} (tag {@link #TAG}) to {@code registryHost/repoTag} over
   * plain HTTP and returns that reference.
   */
  public String push(Path layout, String registryHost, String repoTag) throws IOException {
    String ref = registryHost + "/" + repoTag;
    Commands.check(
        BUILD_TIMEOUT,
        List.of(
            "skopeo",
            "copy",
            "--quiet",
            "--dest-tls-verify=false",
            "oci:" + layout + ":" + TAG,
            "docker://" + ref));
    return ref;
  }

  private void build(Path layout, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(recipes.resolve("build-image.sh").toString());
    command.addAll(List.of("--layout", layout.toString(), "--tag", TAG));
    command.addAll(args);
    Commands.run(BUILD_TIMEOUT, command, env()).checked();
  }

  private String script(String name) throws IOException {
    return Commands.run(BUILD_TIMEOUT, List.of(recipes.resolve(name).toString()), env()).checked();
  }

  private Map<String, String> env() {
    return Map.of("THAW_CACHE", cache.toString());
  }
}
