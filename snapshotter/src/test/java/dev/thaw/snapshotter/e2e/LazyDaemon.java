package dev.thaw.snapshotter.e2e;

import dev.thaw.snapshotter.DaemonJar;
import dev.thaw.testimages.containerd.Commands;
import dev.thaw.testimages.containerd.Mounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code thaw-snapshotter serve} from the shaded jar as a child process, with remote layers over
 * plain HTTP from one insecure registry, metrics on a free 127.0.0.1 port and background fetching
 * off (so the bytes fetched are the bytes read). Start it before containerd. Not thread-safe.
 */
final class LazyDaemon implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  private final Supplier<String> insecureRegistry;
  private final Path dir;
  private final Path root;
  private final Path socket;
  private final Path log;
  private final Path config;
  private final int metricsPort;
  private Supplier<Path> dockerConfig = () -> null;
  private Process process;

  LazyDaemon(Supplier<String> insecureRegistry) {
    this.insecureRegistry = insecureRegistry;
    try {
      this.dir = Files.createTempDirectory(Path.of("/tmp"), "thaw-e2e-");
      this.root = dir.resolve("root");
      this.socket = dir.resolve("run/thaw.sock");
      this.log = dir.resolve("thaw.log");
      this.config = dir.resolve("config.toml");
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        this.metricsPort = s.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Has the daemon read registry credentials from the docker config the supplier returns when the
   * daemon starts ({@code [registry] docker_config}).
   */
  LazyDaemon withDockerConfig(Supplier<Path> config) {
    this.dockerConfig = config;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start(insecureRegistry.get());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    int code = stop();
    if (code != 143) {
      // The directory stays, with the log and the state, for a look.
      throw new AssertionError("thaw-snapshotter: exit " + code + " after SIGTERM; log:\n" + log());
    }
    List<String> mounted = Mounts.mountPointsUnder(dir);
    if (!mounted.isEmpty()) {
      throw new AssertionError("thaw-snapshotter left mounts after SIGTERM: " + mounted);
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  Path socket() {
    return socket;
  }

  /** The daemon's state directory; its remote layers are FUSE mounts below it. */
  Path root() {
    return root;
  }

  /**
   * Runs {@code thaw-snapshotter ARGS} from the shaded jar as its own process (beside the running
   * daemon), bounded to 60 s.
   */
  Commands.Result cli(String... args) throws IOException {
    return cli(Duration.ofSeconds(60), List.of(args));
  }

  /**
   * Runs {@code thaw-snapshotter ARGS} from the shaded jar as its own process, within {@code
   * timeout}.
   */
  static Commands.Result cli(Duration timeout, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(DaemonJar.command());
    command.addAll(args);
    return Commands.run(timeout, command, Map.of());
  }

  /** The containerd config that registers this daemon as snapshotter {@code thaw}. */
  Supplier<String> proxyConfig() {
    return () ->
        String.join(
            "\n",
            "[proxy_plugins.thaw]",
            "  type = \"snapshot\"",
            "  address = \"" + socket + "\"");
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** Starts the daemon, trusting {@code insecureRegistry}, and waits until it serves. */
  void start(String insecureRegistry) throws IOException, InterruptedException {
    Path credentials = dockerConfig.get();
    Files.writeString(
        config,
        String.join(
            "\n",
            "log_level = \"info\"",
            "metrics_address = \"127.0.0.1:" + metricsPort + "\"",
            "[fetch]",
            "background = false",
            "[registry]",
            "insecure = [\"" + insecureRegistry + "\"]",
            credentials == null ? "" : "docker_config = \"" + credentials + "\"",
            ""));
    // on a restart the log already holds the first run's lines: look only at what follows
    int logged = log().length();
    List<String> command = new ArrayList<>(DaemonJar.command());
    command.addAll(
        List.of(
            "serve",
            "--config",
            config.toString(),
            "--root",
            root.toString(),
            "--address",
            socket.toString()));
    ProcessBuilder daemon =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    daemon.environment().put("MALLOC_ARENA_MAX", "2"); // as bin/thaw-snapshotter sets it
    process = daemon.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!log().substring(logged).contains("serving snapshots on")) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("start thaw-snapshotter: not serving; log:\n" + log());
      }
      Thread.sleep(100);
    }
  }

  /** The sum of all {@code thaw_fetch_bytes_total} samples on the metrics endpoint. */
  long fetchedBytes() throws IOException, InterruptedException {
    return (long) metric("thaw_fetch_bytes_total");
  }

  /**
   * The sum of the samples on the metrics endpoint whose line starts with {@code sample}: a metric
   * name, or a name with its labels such as {@code thaw_remote_prepares_total{result="succeeded"}}.
   */
  double metric(String sample) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build();
    String body = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
    double sum = 0;
    for (String line : body.lines().toList()) {
      if (line.startsWith(sample)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** SIGTERM and wait for a clean exit; returns the exit code. */
  int stop() throws InterruptedException {
    if (process == null) {
      return -1;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      return -1;
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
