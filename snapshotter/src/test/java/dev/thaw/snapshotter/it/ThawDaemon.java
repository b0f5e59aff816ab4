package dev.thaw.snapshotter.it;

import dev.thaw.snapshotter.DaemonJar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs {@code thaw-snapshotter serve} from the shaded jar as a child process, as systemd would. As
 * a JUnit extension it starts before containerd (register it first, {@code @Order(1)}), because
 * containerd's proxy client fails fast while its first dial is backing off; after the class it
 * stops the daemon with SIGTERM and checks that it drained and exited. Not thread-safe.
 */
final class ThawDaemon implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  static ThawDaemon inNewTempDir() {
    try {
      return new ThawDaemon(Files.createTempDirectory(Path.of("/tmp"), "thaw-it-"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    int code = stop();
    if (code != 143 || !log().contains(" stopped")) {
      throw new AssertionError("thaw-snapshotter: exit " + code + " after SIGTERM; log:\n" + log());
    }
  }

  private final Path root;
  private final Path socket;
  private final Path log;
  private Process process;

  ThawDaemon(Path dir) {
    this.root = dir.resolve("root");
    this.socket = dir.resolve("run/thaw.sock");
    this.log = dir.resolve("thaw.log");
  }

  Path root() {
    return root;
  }

  Path socket() {
    return socket;
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** Starts the daemon and waits until its socket exists. */
  void start() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(DaemonJar.command());
    command.addAll(
        List.of(
            "serve",
            "--config",
            writeConfig().toString(),
            "--root",
            root.toString(),
            "--address",
            socket.toString()));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!log().contains("serving snapshots on")) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("start thaw-snapshotter: not serving; log:\n" + log());
      }
      Thread.sleep(100);
    }
  }

  private Path writeConfig() throws IOException {
    Path config = log.resolveSibling("config.toml");
    Files.writeString(config, "log_level = \"info\"\nmetrics_address = \"\"\n");
    return config;
  }

  /** SIGKILL, as a crash or OOM kill would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM and wait for a clean exit; returns the exit code. */
  int stop() throws InterruptedException {
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

  static List<String> proxyConfig(Path socket) {
    return List.of(
        "[proxy_plugins.thaw]", "  type = \"snapshot\"", "  address = \"" + socket + "\"");
  }
}
