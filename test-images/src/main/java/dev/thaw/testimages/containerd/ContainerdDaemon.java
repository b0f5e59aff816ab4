package dev.thaw.testimages.containerd;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code /usr/bin/containerd} with its own root, state and socket under one directory, so it
 * runs beside any other containerd on the host. Started by {@link #start}; {@link #close} kills its
 * containers, shims and the daemon, unmounts whatever is left under its directory and deletes it.
 *
 * <p>What a container needs here (root, no systemd): runc on the PATH, the {@code overlayfs}
 * snapshotter ({@code ctr run --snapshotter overlayfs}, the default) and containerd's default
 * {@code io.containerd.runc.v2} runtime with cgroupfs (v1 or v2 both work). Images come from a test
 * registry over plain HTTP: {@code ctr image pull --plain-http HOST/REPO:TAG}. CRI is disabled
 * unless asked for (it costs start-up time). With CRI, its CNI directories are under the daemon's
 * directory (no network config: pulls and {@code ctr -n k8s.io run} need none, pod sandboxes
 * would), its streaming server listens on a free 127.0.0.1 port, and it reaches a registry on
 * 127.0.0.1 over plain HTTP by itself.
 *
 * <p>Thread-safe: {@link #ctr} may be called concurrently.
 */
public final class ContainerdDaemon implements AutoCloseable {
  /** Unix socket paths longer than this do not fit {@code sockaddr_un}. */
  private static final int MAX_SOCKET_PATH = 107;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(10);

  private final Path dir;
  private final Path socket;
  private final Process process;

  private ContainerdDaemon(Path dir, Path socket, Process process) {
    this.dir = dir;
    this.socket = socket;
    this.process = process;
  }

  /**
   * Starts containerd under a new directory in {@code /tmp} and waits until it answers.
   *
   * @param extraConfig TOML appended to the generated config (e.g. a {@code [proxy_plugins.thaw]}
   *     table); may be empty. It must not repeat {@code root}, {@code state} or {@code [grpc]}.
   * @param cri whether to keep containerd's CRI plugin enabled
   * @throws IOException if containerd is missing, exits, or does not answer within 30 seconds; the
   *     message carries the end of its log
   */
  public static ContainerdDaemon start(String extraConfig, boolean cri) throws IOException {
    return start(extraConfig, cri, Optional.empty());
  }

  /**
   * Starts containerd with its CRI plugin unpacking images with {@code criSnapshotter} and passing
   * layer annotations to it as labels ({@code disable_snapshot_annotations = false}), as a node
   * configured for a remote snapshotter is.
   *
   * @param extraConfig TOML appended to the generated config; it must not repeat the CRI plugin's
   *     tables either
   * @throws IOException as {@link #start(String, boolean)}
   */
  public static ContainerdDaemon startWithCri(String extraConfig, String criSnapshotter)
      throws IOException {
    return start(extraConfig, true, Optional.of(criSnapshotter));
  }

  private static ContainerdDaemon start(
      String extraConfig, boolean cri, Optional<String> criSnapshotter) throws IOException {
    Path binary = Path.of("/usr/bin/containerd");
    if (!Files.isExecutable(binary)) {
      throw new IOException(
          "start containerd: " + binary + " is missing (install it: scripts/install-deps.sh)");
    }
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "thaw-ctrd-");
    Path socket = dir.resolve("containerd.sock");
    if (socket.toString().length() > MAX_SOCKET_PATH) {
      throw new IOException("start containerd: socket path too long for a unix socket: " + socket);
    }
    Path config = dir.resolve("config.toml");
    Files.writeString(
        config, config(dir, socket, extraConfig, cri, criSnapshotter), StandardCharsets.UTF_8);
    Path log = dir.resolve("containerd.log");
    Process process =
        new ProcessBuilder(binary.toString(), "--config", config.toString())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    ContainerdDaemon daemon = new ContainerdDaemon(dir, socket, process);
    try {
      daemon.awaitReady();
    } catch (IOException | RuntimeException e) {
      daemon.close();
      throw e;
    }
    return daemon;
  }

  static String config(Path dir, Path socket, String extraConfig, boolean cri) {
    return config(dir, socket, extraConfig, cri, Optional.empty());
  }

  static String config(
      Path dir, Path socket, String extraConfig, boolean cri, Optional<String> criSnapshotter) {
    List<String> disabled =
        new ArrayList<>(
            List.of(
                "io.containerd.snapshotter.v1.aufs",
                "io.containerd.snapshotter.v1.btrfs",
                "io.containerd.snapshotter.v1.devmapper",
                "io.containerd.snapshotter.v1.zfs",
                "io.containerd.tracing.processor.v1.otlp"));
    if (!cri) {
      disabled.add("io.containerd.grpc.v1.cri");
    }
    StringBuilder toml = new StringBuilder();
    toml.append("version = 2\n");
    toml.append("root = ").append(quote(dir.resolve("root"))).append('\n');
    toml.append("state = ").append(quote(dir.resolve("state"))).append('\n');
    toml.append("disabled_plugins = [")
        .append(String.join(", ", disabled.stream().map(p -> '"' + p + '"').toList()))
        .append("]\n\n");
    toml.append("[grpc]\n  address = ").append(quote(socket)).append('\n');
    toml.append("[ttrpc]\n  address = ").append(quote(Path.of(socket + ".ttrpc"))).append('\n');
    toml.append("[debug]\n  address = \"\"\n  level = \"info\"\n");
    toml.append("[metrics]\n  address = \"\"\n");
    // Default /opt/containerd is shared by every containerd on the host.
    toml.append("[plugins.\"io.containerd.internal.v1.opt\"]\n  path = ")
        .append(quote(dir.resolve("opt")))
        .append("\n\n");
    if (cri) {
      toml.append("[plugins.\"io.containerd.grpc.v1.cri\"]\n");
      toml.append("  stream_server_address = \"127.0.0.1\"\n");
      toml.append("  stream_server_port = \"0\"\n");
      // Default /etc/cni/net.d and /opt/cni/bin belong to the host; nothing here needs CNI.
      toml.append("[plugins.\"io.containerd.grpc.v1.cri\".cni]\n");
      toml.append("  bin_dir = ").append(quote(dir.resolve("cni/bin"))).append('\n');
      toml.append("  conf_dir = ").append(quote(dir.resolve("cni/conf"))).append('\n');
      criSnapshotter.ifPresent(name ->
          toml.append("[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n")
              .append("  snapshotter = \"")
              .append(name)
              .append("\"\n")
              .append("  disable_snapshot_annotations = false\n"));
      toml.append('\n');
    }
    toml.append(extraConfig).append('\n');
    return toml.toString();
  }

  private static String quote(Path path) {
    return '"' + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(
            "start containerd in " + dir + ": exited with " + process.exitValue() + logTail());
      }
      if (Files.exists(socket)) {
        Commands.Result version =
            Commands.run(Duration.ofSeconds(10), ctrCommand("version"), Map.of());
        if (version.exitCode() == 0) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "start containerd in "
                + dir
                + ": no answer on "
                + socket
                + " after "
                + START_TIMEOUT
                + logTail());
      }
      sleep(Duration.ofMillis(100));
    }
  }

  /** The containerd gRPC socket, for {@code ctr --address} or a client. */
  public String address() {
    return socket.toString();
  }

  /** The directory holding this containerd's config, log, root and state. */
  public Path directory() {
    return dir;
  }

  /** containerd's {@code root} directory (content store, snapshots, metadata). */
  public Path root() {
    return dir.resolve("root");
  }

  /** containerd's log (stdout and stderr). */
  public Path log() {
    return dir.resolve("containerd.log");
  }

  /**
   * Runs {@code ctr --address SOCKET args…} (10 minute limit) and returns its stdout.
   *
   * @throws CommandFailedException on a non-zero exit, with ctr's stderr
   */
  public String ctr(String... args) throws IOException {
    return ctr(DEFAULT_COMMAND_TIMEOUT, args);
  }

  /** {@link #ctr(String...)} with a time limit. */
  public String ctr(Duration timeout, String... args) throws IOException {
    return Commands.check(timeout, ctrCommand(args));
  }

  /**
   * Runs the reference converter's client, {@code ctr-remote --address SOCKET args…} (10 minute
   * limit), and returns its stdout.
   *
   * @throws CommandFailedException on a non-zero exit, with its stderr
   */
  public String ctrRemote(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ctr-remote", "--address", address()));
    command.addAll(List.of(args));
    return Commands.check(DEFAULT_COMMAND_TIMEOUT, command);
  }

  private List<String> ctrCommand(String... args) {
    List<String> command = new ArrayList<>(List.of("ctr", "--address", address()));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Kills every task, then the daemon and any shim it started, unmounts what is left under {@link
   * #directory()} and deletes it. Failures are collected and thrown at the end, after every step
   * ran.
   */
  @Override
  public void close() throws IOException {
    List<Exception> failures = new ArrayList<>();
    if (process.isAlive()) {
      run(failures, this::killTasks);
    }
    run(failures, this::stopDaemon);
    run(failures, this::killShims);
    run(failures, () -> Mounts.unmountUnder(dir));
    run(failures, () -> deleteTree(dir));
    if (!failures.isEmpty()) {
      IOException e = new IOException("stop containerd in " + dir, failures.get(0));
      failures.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  private interface Step {
    void run() throws IOException;
  }

  private static void run(List<Exception> failures, Step step) {
    try {
      step.run();
    } catch (IOException | RuntimeException e) {
      failures.add(e);
    }
  }

  private void killTasks() throws IOException {
    Duration limit = Duration.ofSeconds(20);
    for (String namespace : lines(Commands.check(limit, ctrCommand("namespaces", "ls", "-q")))) {
      for (String task :
          lines(Commands.check(limit, ctrCommand("-n", namespace, "tasks", "ls", "-q")))) {
        Commands.run(
            limit,
            ctrCommand("-n", namespace, "tasks", "kill", "-a", "-s", "SIGKILL", task),
            Map.of());
        Commands.run(limit, ctrCommand("-n", namespace, "tasks", "delete", "-f", task), Map.of());
      }
    }
  }

  private void stopDaemon() throws IOException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("stop containerd in " + dir);
    }
  }

  /** Shims outlive containerd; ours are the ones started with {@code -address SOCKET}. */
  private void killShims() {
    String address = address();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(address)).orElse(false))
        .filter(p -> p.info().command().map(c -> c.contains("containerd-shim")).orElse(false))
        .forEach(shim -> {
          shim.descendants().forEach(ProcessHandle::destroyForcibly);
          shim.destroyForcibly();
        });
  }

  private static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private String logTail() {
    try {
      return "\ncontainerd log:\n" + Commands.tail(Files.readString(log()), 4000);
    } catch (IOException e) {
      return "\n(no log: " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void sleep(Duration duration) throws InterruptedIOException {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for containerd");
    }
  }
}
