package dev.thaw.testimages.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real registry ({@code /usr/bin/docker-registry}, Debian package {@code docker-registry})
 * on a free 127.0.0.1 port with storage in a temp dir, per test class:
 *
 * <pre>{@code
 * @RegisterExtension static final RegistryExtension registry = new RegistryExtension();
 * // registry.host() -> "127.0.0.1:PORT"
 * }</pre>
 *
 * <p>{@link #withBasicAuth()} protects the registry with htpasswd Basic auth ({@link #USERNAME} /
 * {@link #PASSWORD}). Also usable without JUnit through {@link #start()} and {@link #stop()}.
 *
 * <p>Confined to the thread that runs the test class's lifecycle.
 */
public final class RegistryExtension implements BeforeAllCallback, AfterAllCallback {
  /** The user accepted by a registry started {@link #withBasicAuth()}. */
  public static final String USERNAME = "thaw";

  /** The password of {@link #USERNAME}. */
  public static final String PASSWORD = "thaw-secret";

  /** bcrypt (cost 4, cheap on purpose: the registry checks it per request) of {@link #PASSWORD}. */
  private static final String PASSWORD_BCRYPT =
      "$2b$04$Mg5LYGBrg4.Qr2.i44EqneOZKTMQhwhUHl7TvoBrXLPO5bgTe4Knq";

  private static final Path BINARY = Path.of("/usr/bin/docker-registry");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final boolean basicAuth;
  private Path dir;
  private Process process;
  private int port;

  /** An anonymous registry. */
  public RegistryExtension() {
    this(false);
  }

  private RegistryExtension(boolean basicAuth) {
    this.basicAuth = basicAuth;
  }

  /** A registry that requires Basic auth as {@link #USERNAME}/{@link #PASSWORD}. */
  public static RegistryExtension withBasicAuth() {
    return new RegistryExtension(true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  /**
   * Starts the registry and waits until {@code /v2/} answers.
   *
   * @throws IOException if the binary is missing or the registry does not come up; the message
   *     carries the registry's log
   */
  public void start() throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IOException(
          "start test registry: "
              + BINARY
              + " missing; install the Debian package docker-registry");
    }
    dir = Files.createTempDirectory("thaw-registry-");
    Files.createDirectories(dir.resolve("storage"));
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      port = freePort();
      Path config = writeConfig();
      process =
          new ProcessBuilder(BINARY.toString(), "serve", config.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("registry.log").toFile())
              .start();
      try {
        awaitReady();
        return;
      } catch (IOException e) {
        last = e;
        destroyProcess();
      }
    }
    throw last;
  }

  /** Stops the registry and deletes its storage. Idempotent. */
  public void stop() throws IOException, InterruptedException {
    destroyProcess();
    if (dir != null) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
      dir = null;
    }
  }

  /** {@code 127.0.0.1:PORT}, the host part of image references into this registry. */
  public String host() {
    requireStarted();
    return "127.0.0.1:" + port;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI baseUri() {
    return URI.create("http://" + host());
  }

  /** The port. */
  public int port() {
    requireStarted();
    return port;
  }

  /** Whether Basic auth is required. */
  public boolean requiresAuth() {
    return basicAuth;
  }

  /** The directory holding the registry's storage. */
  public Path storageDir() {
    requireStarted();
    return dir.resolve("storage");
  }

  /**
   * Writes a docker {@code config.json} with this registry's credentials ({@code
   * auths.<host>.auth}) to {@code path} and returns it.
   */
  public Path writeDockerConfig(Path path) throws IOException {
    String auth =
        Base64.getEncoder()
            .encodeToString((USERNAME + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    Files.writeString(path, "{\"auths\":{\"" + host() + "\":{\"auth\":\"" + auth + "\"}}}\n");
    return path;
  }

  /** The last lines of the registry's log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("registry.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException("read test registry log", e);
    }
  }

  private Path writeConfig() throws IOException {
    StringBuilder yaml = new StringBuilder();
    yaml.append("version: 0.1\n")
        .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
        .append("storage:\n  filesystem:\n    rootdirectory: ")
        .append(dir.resolve("storage"))
        .append("\n  delete:\n    enabled: true\n")
        .append("http:\n  addr: 127.0.0.1:")
        .append(port)
        .append("\n");
    if (basicAuth) {
      Path htpasswd = dir.resolve("htpasswd");
      Files.writeString(htpasswd, USERNAME + ":" + PASSWORD_BCRYPT + "\n");
      yaml.append("auth:\n  htpasswd:\n    realm: thaw-test\n    path: ")
          .append(htpasswd)
          .append("\n");
    }
    Path config = dir.resolve("config.yml");
    Files.writeString(config, yaml.toString());
    return config;
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    URI v2 = URI.create("http://127.0.0.1:" + port + "/v2/");
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "start test registry on port "
                + port
                + ": exited with "
                + process.exitValue()
                + "\n"
                + logTail());
      }
      try {
        HttpURLConnection c = (HttpURLConnection) v2.toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(1000);
        int code = c.getResponseCode();
        c.disconnect();
        if (code == 200 || (basicAuth && code == 401)) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet: the registry takes a moment to bind. Poll again.
      }
      Thread.sleep(50);
    }
    throw new IOException(
        "start test registry on port "
            + port
            + ": /v2/ did not answer within "
            + START_TIMEOUT
            + "\n"
            + logTail());
  }

  private void destroyProcess() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      process = null;
    }
  }

  private void requireStarted() {
    if (process == null) {
      throw new IllegalStateException("test registry not started");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
