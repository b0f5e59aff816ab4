package dev.thaw.snapshotter.cri;

import dev.thaw.image.registry.Credentials;
import dev.thaw.proto.cri.runtime.v1.AuthConfig;
import dev.thaw.proto.cri.runtime.v1.ImageServiceGrpc;
import dev.thaw.proto.cri.runtime.v1.ImageSpec;
import dev.thaw.proto.cri.runtime.v1.PullImageRequest;
import dev.thaw.proto.cri.runtime.v1.RuntimeServiceGrpc;
import dev.thaw.proto.cri.runtime.v1.StatusRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A client of the Kubernetes CRI on containerd's Unix socket: the runtime's status and the image
 * service's {@code PullImage}, the call kubelet makes. The only user of the generated CRI types.
 *
 * <p>Thread-safe; every call blocks until containerd answers or its timeout passes. Owns its
 * channel and event loop: {@link #close} releases them.
 */
final class CriClient implements AutoCloseable {
  /** The identity-token user name of docker's config ({@link Credentials} keeps it so). */
  private static final String TOKEN_USER = "<token>";

  private static final String CRI_PLUGIN = "io.containerd.grpc.v1.cri";

  private final Path address;
  private final EventLoopGroup loop;
  private final ManagedChannel channel;

  private CriClient(Path address, EventLoopGroup loop, ManagedChannel channel) {
    this.address = address;
    this.loop = loop;
    this.channel = channel;
  }

  /**
   * A client of the containerd listening on {@code address}. Connects lazily, on the first call.
   *
   * @throws IOException if nothing is listening there (no socket file)
   */
  static CriClient connect(Path address) throws IOException {
    if (!Files.exists(address)) {
      throw new IOException(
          "connect to containerd at " + address + ": no such socket (is containerd running?)");
    }
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(address.toString()))
            .channelType(EpollDomainSocketChannel.class)
            .eventLoopGroup(loop)
            .usePlaintext()
            // The verbose status carries the CRI plugin's whole config as JSON: room beyond 4 MiB.
            .maxInboundMessageSize(16 << 20)
            .build();
    return new CriClient(address, loop, channel);
  }

  /**
   * The CRI plugin's configuration as containerd reports it (the runtime status, verbose).
   *
   * @return empty if the runtime answers without a config (a CRI runtime other than containerd)
   * @throws IOException if containerd is unreachable, serves no CRI, or does not answer in time
   */
  Optional<CriPluginConfig> pluginConfig(Duration timeout) throws IOException {
    try {
      var response =
          RuntimeServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
              .status(StatusRequest.newBuilder().setVerbose(true).build());
      String json = response.getInfoMap().get("config");
      return json == null ? Optional.empty() : Optional.of(CriPluginConfig.parse(json));
    } catch (StatusRuntimeException e) {
      throw failure("read the CRI runtime status", timeout, e);
    }
  }

  /**
   * Pulls {@code image} through the CRI image service: containerd resolves, fetches and unpacks it
   * with its CRI snapshotter into its {@code k8s.io} namespace.
   *
   * @param credentials for the image's registry, or empty for containerd's own registry config
   * @return the image reference containerd answers: the image ID ({@code sha256:…} of its config)
   * @throws IOException if containerd is unreachable, serves no CRI, fails the pull (its message is
   *     kept), or does not answer within {@code timeout}
   */
  String pullImage(String image, Optional<Credentials> credentials, Duration timeout)
      throws IOException {
    PullImageRequest.Builder request =
        PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image));
    credentials.ifPresent(c -> request.setAuth(authConfig(c)));
    try {
      return ImageServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
          .pullImage(request.build())
          .getImageRef();
    } catch (StatusRuntimeException e) {
      throw failure("pull " + image, timeout, e);
    }
  }

  private static AuthConfig authConfig(Credentials c) {
    AuthConfig.Builder auth = AuthConfig.newBuilder();
    if (c.username().equals(TOKEN_USER)) {
      auth.setIdentityToken(c.password());
    } else {
      auth.setUsername(c.username()).setPassword(c.password());
    }
    return auth.build();
  }

  /** The one place CRI call failures become messages: what was done, where, and what to fix. */
  private IOException failure(String doing, Duration timeout, StatusRuntimeException e) {
    String where = doing + " through containerd's CRI at " + address;
    String description = e.getStatus().getDescription();
    String message =
        switch (e.getStatus().getCode()) {
          case UNAVAILABLE ->
              where + ": containerd not reachable (" + describe(e.getStatus()) + ")";
          case UNIMPLEMENTED ->
              where
                  + ": containerd serves no CRI; enable its CRI plugin (remove \""
                  + CRI_PLUGIN
                  + "\" from disabled_plugins in its config) and restart it";
          case DEADLINE_EXCEEDED -> where + ": no answer within " + timeout;
          default -> where + ": " + (description == null ? e.getStatus().getCode() : description);
        };
    return new CriCallException(message, e.getStatus().getCode().name(), e);
  }

  private static String describe(Status status) {
    if (status.getDescription() != null) {
      return status.getDescription();
    }
    return status.getCause() != null ? status.getCause().getMessage() : status.getCode().name();
  }

  /** Shuts the channel and its event loop down, waiting up to a few seconds. */
  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
