package dev.thaw.snapshotter.grpc;

import dev.thaw.proto.containerd.snapshots.v1.ListSnapshotsRequest;
import dev.thaw.proto.containerd.snapshots.v1.PrepareSnapshotRequest;
import dev.thaw.proto.containerd.snapshots.v1.PrepareSnapshotResponse;
import dev.thaw.proto.containerd.snapshots.v1.SnapshotsGrpc;
import dev.thaw.proto.containerd.snapshots.v1.StatSnapshotRequest;
import dev.thaw.proto.containerd.types.Mount;
import dev.thaw.snapshotter.snapshots.Snapshotter;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
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
   * Calls the started server once over its own socket, so that containerd's first calls find the
   * gRPC, Netty and protobuf call paths loaded: a Stat of a key that cannot exist (answered
   * NOT_FOUND), a List, and a round trip of the Prepare messages with labels and mounts. Read-only.
   *
   * @throws IOException if a call fails otherwise than expected
   */
  public void warmUp() throws IOException {
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollDomainSocketChannel.class)
            .eventLoopGroup(loop)
            .usePlaintext()
            .build();
    try {
      SnapshotsGrpc.SnapshotsBlockingStub stub =
          SnapshotsGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      try {
        stub.stat(
            StatSnapshotRequest.newBuilder()
                .setSnapshotter("thaw")
                .setKey("thaw-warm-up/absent")
                .build());
        throw new IOException("warm-up: Stat of thaw-warm-up/absent found a snapshot");
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw new IOException("warm-up: Stat over " + socket + ": " + e.getStatus(), e);
        }
      }
      try {
        stub.list(ListSnapshotsRequest.newBuilder().setSnapshotter("thaw").build())
            .forEachRemaining(r -> {});
      } catch (StatusRuntimeException e) {
        throw new IOException("warm-up: List over " + socket + ": " + e.getStatus(), e);
      }
      PrepareSnapshotRequest prepare =
          PrepareSnapshotRequest.newBuilder()
              .setSnapshotter("thaw")
              .setKey("thaw-warm-up/key")
              .setParent("thaw-warm-up/parent")
              .putLabels("containerd.io/snapshot.ref", "thaw-warm-up")
              .build();
      PrepareSnapshotRequest.parseFrom(prepare.toByteString());
      PrepareSnapshotResponse.parseFrom(
          PrepareSnapshotResponse.newBuilder()
              .addMounts(
                  Mount.newBuilder().setType("overlay").setSource("overlay").addOptions("ro"))
              .build()
              .toByteString());
    } finally {
      channel.shutdownNow();
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
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
