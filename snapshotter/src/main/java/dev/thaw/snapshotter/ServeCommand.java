package dev.thaw.snapshotter;

import dev.thaw.snapshotter.config.ThawConfig;
import dev.thaw.snapshotter.grpc.SnapshotterServer;
import dev.thaw.snapshotter.snapshots.NoopRemoteLayerPreparer;
import dev.thaw.snapshotter.snapshots.OverlaySnapshotter;
import dev.thaw.snapshotter.snapshots.RemoteLayerPreparer;
import dev.thaw.snapshotter.snapshots.RemoteLayerPreparerFactory;
import dev.thaw.snapshotter.snapshots.StaleMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code thaw-snapshotter serve}: runs the daemon until SIGTERM. Order at start: config, store,
 * clear stale mounts, warm the lazy-mount path up (one throwaway layer from a loopback registry),
 * restore remote snapshots, then serve. At SIGTERM: stop serving, drain running calls, unmount
 * remote layers, close the store; the JVM then exits with 143 (128 + SIGTERM), which the systemd
 * unit counts as success. Confined to the main thread.
 */
@Command(name = "serve", description = "Serve containerd's snapshots API on a Unix socket.")
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());
  private static final long DRAIN_MILLIS = 10_000;

  /** Under the root: where the start-up warm-up mounts its throwaway layer. */
  static final String WARM_UP_DIR = "warm-up";

  @Option(names = "--config", description = "TOML config file (default ${DEFAULT-VALUE}).")
  Path config;

  @Option(names = "--root", description = "State directory; overrides `root`.")
  Path root;

  @Option(names = "--address", description = "gRPC Unix socket; overrides `address`.")
  Path address;

  @Option(names = "--log-level", description = "error, warn, info or debug; overrides `log_level`.")
  String logLevel;

  @Override
  public Integer call() throws Exception {
    ThawConfig cfg =
        (config == null
                ? ThawConfig.load(ThawConfig.DEFAULT_FILE, false)
                : ThawConfig.load(config, true))
            .withOverrides(root, address, logLevel);
    ThawSnapshotterMain.configureLogging(cfg.logLevel());
    RemoteLayerPreparer remote = remotePreparer(cfg);
    OverlaySnapshotter snapshotter =
        OverlaySnapshotter.open(cfg.root(), remote, overlayIndexSupported(), Clock.systemUTC());
    SnapshotterServer server;
    try {
      warmUp(remote, cfg.root().resolve(WARM_UP_DIR));
      snapshotter.restoreRemoteSnapshots();
      server = new SnapshotterServer(snapshotter, cfg.address(), cfg.grpcThreads(), 256);
      server.start();
      try {
        server.warmUp();
      } catch (IOException e) {
        LOG.warning("gRPC warm-up failed, the first calls will be slower: " + e.getMessage());
      }
    } catch (IOException | RuntimeException e) {
      snapshotter.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // JUL's own shutdown hook may already have closed its handlers: print directly.
                  shutdownLine("stopping: draining calls");
                  try {
                    server.stop(DRAIN_MILLIS);
                    snapshotter.close();
                    shutdownLine("stopped");
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  } catch (IOException e) {
                    shutdownLine("close snapshotter: " + e.getMessage());
                  } finally {
                    stopped.countDown();
                  }
                },
                "thaw-shutdown"));
    LOG.info("serving snapshots on " + cfg.address() + " root=" + cfg.root());
    server.awaitTermination();
    stopped.await();
    return 0;
  }

  /**
   * Runs the preparer's warm-up on {@code scratch}, clearing a mount a killed earlier run left
   * there. A failure is logged, not fatal: the daemon then serves with a colder first Prepare.
   */
  private static void warmUp(RemoteLayerPreparer remote, Path scratch) throws InterruptedException {
    try {
      if (Files.isDirectory(scratch.getParent())) {
        StaleMounts.clear(scratch);
      }
      remote.warmUp(scratch);
    } catch (IOException | RuntimeException e) {
      LOG.warning("warm-up failed, the first lazy Prepare will be slower: " + e.getMessage());
    }
  }

  private static void shutdownLine(String message) {
    System.err.println(
        java.time.Instant.now() + " INFO " + ServeCommand.class.getName() + ": " + message);
    System.err.flush();
  }

  private static RemoteLayerPreparer remotePreparer(ThawConfig cfg) throws IOException {
    Iterator<RemoteLayerPreparerFactory> it =
        ServiceLoader.load(RemoteLayerPreparerFactory.class).iterator();
    if (!it.hasNext()) {
      LOG.info("remote layers: " + NoopRemoteLayerPreparer.REASON);
      return new NoopRemoteLayerPreparer();
    }
    RemoteLayerPreparerFactory factory = it.next();
    LOG.info("remote layers: " + factory.getClass().getName());
    return factory.create(cfg);
  }

  /** containerd passes {@code index=off} when the kernel's overlay has the index feature. */
  private static boolean overlayIndexSupported() {
    return Files.exists(Path.of("/sys/module/overlay/parameters/index"));
  }
}
