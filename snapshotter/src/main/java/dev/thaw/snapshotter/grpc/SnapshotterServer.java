package dev.thaw.snapshotter.grpc;

import dev.thaw.snapshotter.snapshots.Snapshotter;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * containerd's snapshots service on a Unix socket (Netty epoll), with a bounded executor. The
 * socket's directory is created 0700; a stale socket file is removed before binding. Thread-safe;
 * {@link #start} once, then {@link #stop} once.
 */
public final class SnapshotterServer {

  private final Path socket;
  private final Server server;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ThreadPoolExecutor executor;

  /**
   * Builds (does not start) a server for {@code snapshotter}.
   *
   * @param threads the number of calls served at once
   * @param queue calls waiting beyond that before new ones are refused (RESOURCE_EXHAUSTED)
   */
  public SnapshotterServer(Snapshotter snapshotter, Path socket, int threads, int queue) {
    this.socket = socket;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            r -> {
              Thread t = new Thread(r, "thaw-grpc-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    this.server =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .executor(executor)
            .addService(new SnapshotsService(snapshotter))
            .build();
  }

  /** Binds the socket and starts serving. */
  public void start() throws IOException {
    Path dir = socket.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.deleteIfExists(socket);
    server.start();
  }

  /**
   * Stops accepting calls, waits up to {@code drainMillis} for running calls, then cancels the rest
   * and releases the threads and the socket file.
   */
  public void stop(long drainMillis) throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(drainMillis, TimeUnit.MILLISECONDS)) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
    executor.shutdown();
    executor.awaitTermination(5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // The next start removes a stale socket anyway.
      java.util.logging.Logger.getLogger(SnapshotterServer.class.getName())
          .warning("remove socket " + socket + ": " + e.getMessage());
    }
  }

  /** Blocks until the server has terminated. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
