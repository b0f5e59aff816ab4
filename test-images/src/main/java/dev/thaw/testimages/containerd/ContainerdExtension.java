package dev.thaw.testimages.containerd;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts a private, real containerd for a test class and stops it after (see
 * {@link ContainerdDaemon} for what it sets up and tears down). Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ContainerdExtension containerd =
 *     new ContainerdExtension().withConfig(() -> "[proxy_plugins.thaw]\n  type = \"snapshot\"\n"
 *         + "  address = \"" + socket + "\"\n");
 *
 * containerd.ctr("image", "pull", "--plain-http", registry.host() + "/app:1");
 * String out = containerd.ctr("run", "--rm", registry.host() + "/app:1", "c1", "cat", "/etc/hostname");
 * }</pre>
 *
 * <p>Configure it before the class starts; after that, thread-safe.
 */
public final class ContainerdExtension implements BeforeAllCallback, AfterAllCallback {
  private Supplier<String> extraConfig = () -> "";
  private boolean cri;
  private String criSnapshotter;
  private volatile ContainerdDaemon daemon;

  /** A containerd without extra configuration and without CRI. */
  public ContainerdExtension() {}

  /** Appends this TOML to containerd's config (e.g. {@code [proxy_plugins.thaw]}). */
  public ContainerdExtension withConfig(String toml) {
    Objects.requireNonNull(toml, "toml");
    return withConfig(() -> toml);
  }

  /**
   * Appends the TOML the supplier returns when the class starts (for values known only then, such
   * as a socket another extension created).
   */
  public ContainerdExtension withConfig(Supplier<String> toml) {
    this.extraConfig = Objects.requireNonNull(toml, "toml");
    return this;
  }

  /** Keeps containerd's CRI plugin (needed for pulls through the CRI image service). */
  public ContainerdExtension withCri() {
    this.cri = true;
    return this;
  }

  /**
   * Keeps containerd's CRI plugin and has it unpack pulled images with {@code snapshotter}, passing
   * the layer annotations as labels ({@code disable_snapshot_annotations = false}): what a node
   * that pulls lazily through kubelet is configured with. Images pulled through CRI land in
   * namespace {@code k8s.io}.
   */
  public ContainerdExtension withCri(String snapshotter) {
    this.cri = true;
    this.criSnapshotter = Objects.requireNonNull(snapshotter, "snapshotter");
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    daemon =
        criSnapshotter == null
            ? ContainerdDaemon.start(extraConfig.get(), cri)
            : ContainerdDaemon.startWithCri(extraConfig.get(), criSnapshotter);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    ContainerdDaemon d = daemon;
    daemon = null;
    if (d != null) {
      d.close();
    }
  }

  /** The running daemon. */
  public ContainerdDaemon daemon() {
    ContainerdDaemon d = daemon;
    if (d == null) {
      throw new IllegalStateException("containerd is not running (use it inside the test class)");
    }
    return d;
  }

  /** The containerd gRPC socket path, for {@code ctr --address}. */
  public String address() {
    return daemon().address();
  }

  /** containerd's {@code root} directory. */
  public Path root() {
    return daemon().root();
  }

  /**
   * Runs {@code ctr --address SOCKET args…} and returns its stdout.
   *
   * @throws CommandFailedException on a non-zero exit, with ctr's stderr
   */
  public String ctr(String... args) throws IOException {
    return daemon().ctr(args);
  }

  /** {@link #ctr(String...)} with a time limit. */
  public String ctr(Duration timeout, String... args) throws IOException {
    return daemon().ctr(timeout, args);
  }

  /**
   * Runs {@code ctr-remote --address SOCKET args…} and returns its stdout.
   *
   * @throws CommandFailedException on a non-zero exit, with its stderr
   */
  public String ctrRemote(String... args) throws IOException {
    return daemon().ctrRemote(args);
  }
}
