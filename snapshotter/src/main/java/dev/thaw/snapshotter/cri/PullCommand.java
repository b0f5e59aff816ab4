package dev.thaw.snapshotter.cri;

import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.Credentials;
import dev.thaw.image.registry.DockerConfigCredentials;
import dev.thaw.snapshotter.config.ConfigValues;
import dev.thaw.snapshotter.config.InvalidConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code thaw-snapshotter pull REF}: pulls an image through containerd's CRI image service, the
 * path kubelet takes, so that containerd's CRI plugin unpacks it with Thaw and Thaw mounts the
 * seekable layers lazily. Before pulling it checks that the CRI plugin unpacks with the expected
 * snapshotter and passes the layer annotations, since otherwise the pull silently becomes a full
 * one. The image lands in containerd's {@code k8s.io} namespace: {@code ctr -n k8s.io run
 * --snapshotter thaw REF ID} starts a container from it.
 *
 * <p>Confined to the command's thread.
 */
@Command(
    name = "pull",
    description = {
      "Pull an image lazily through containerd's CRI image service (as kubelet does).",
      "Then: ctr -n k8s.io run --snapshotter thaw REF ID"
    })
public final class PullCommand implements Callable<Integer> {
  /** containerd answers its status at once; waiting longer than this means it is stuck. */
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "REF", description = "Image reference, e.g. host/app:1.")
  String ref;

  @Option(
      names = "--address",
      paramLabel = "SOCKET",
      description = "containerd's gRPC socket (default ${DEFAULT-VALUE}).")
  Path address = Path.of("/run/containerd/containerd.sock");

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      defaultValue = "10m",
      description = "Limit for the pull, e.g. 90s, 10m (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--snapshotter",
      paramLabel = "NAME",
      description =
          "Snapshotter name containerd's CRI plugin must unpack with (default ${DEFAULT-VALUE}).")
  String snapshotter = "thaw";

  @Option(names = "--user", description = "Registry user name (with --password).")
  String user;

  @Option(names = "--password", description = "Registry password (with --user).")
  String password;

  @Option(
      names = "--docker-config",
      paramLabel = "FILE",
      description =
          "Credentials file used when --user is not given, if it exists (default"
              + " ${DEFAULT-VALUE}).")
  Path dockerConfig = Path.of(System.getProperty("user.home"), ".docker", "config.json");

  /** For picocli. */
  public PullCommand() {}

  @Override
  public Integer call() throws IOException {
    RegistryReference image = parseRef();
    Optional<Credentials> credentials = credentials(image);
    PrintWriter out = spec.commandLine().getOut();
    long start = System.nanoTime();
    try (CriClient cri = CriClient.connect(address)) {
      Optional<CriPluginConfig> config = cri.pluginConfig(min(timeout, STATUS_TIMEOUT));
      if (config.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println(
                "thaw-snapshotter: the runtime at "
                    + address
                    + " reports no CRI plugin config; cannot check that it unpacks with "
                    + snapshotter
                    + ", pulling anyway");
      } else {
        Optional<String> problem = config.get().problemFor(snapshotter);
        if (problem.isPresent()) {
          throw new IOException("pull " + ref + ": " + problem.get());
        }
      }
      String imageRef = cri.pullImage(ref, credentials, timeout);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      out.println(
          "pulled "
              + ref
              + " (image "
              + imageRef
              + ") through containerd's CRI onto "
              + snapshotter
              + " in "
              + millis
              + " ms");
      out.flush();
    }
    return 0;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private RegistryReference parseRef() {
    try {
      return RegistryReference.parse(ref);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "pull: bad image reference '" + ref + "': " + e.getMessage());
    }
  }

  /** --user/--password, else the docker config's entry for the image's registry, else none. */
  private Optional<Credentials> credentials(RegistryReference image) throws IOException {
    if ((user == null) != (password == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "pull: --user and --password go together");
    }
    if (user != null) {
      return Optional.of(new Credentials(user, password));
    }
    if (!Files.isRegularFile(dockerConfig)) {
      return Optional.empty();
    }
    return DockerConfigCredentials.load(dockerConfig).lookup(image.registry());
  }

  /** Converts {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h}. Thread-safe (stateless). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d;
      try {
        d = ConfigValues.duration("--timeout", value);
      } catch (InvalidConfigException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
      if (d.isZero()) {
        throw new CommandLine.TypeConversionException("--timeout: must be more than 0");
      }
      return d;
    }
  }
}
