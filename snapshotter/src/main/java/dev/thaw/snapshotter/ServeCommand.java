package dev.thaw.snapshotter;

import dev.thaw.snapshotter.config.ThawConfig;
import dev.thaw.snapshotter.grpc.SnapshotterServer;
import dev.thaw.snapshotter.snapshots.NoopRemoteLayerPreparer;
import dev.thaw.snapshotter.snapshots.OverlaySnapshotter;
import dev.thaw.snapshotter.snapshots.RemoteLayerPreparer;
import dev.thaw.snapshotter.snapshots.RemoteLayerPreparerFactory;
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
 * clear stale mounts and restore remote snapshots, then serve. At SIGTERM: stop serving, drain
 * running calls, unmount remote layers, close the store; the JVM then exits with 143 (128 +
 * SIGTERM), which the systemd unit counts as success. Confined to the main thread.
 */
@Command(name = "serve", description = "Serve containerd's snapshots API on a Unix socket.")
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());
  private static final long DRAIN_MILLIS = 10_000;

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
      snapshotter.restoreRemoteSnapshots();
      server = new SnapshotterServer(snapshotter, cfg.address(), cfg.grpcThreads(), 256);
      server.start();
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
