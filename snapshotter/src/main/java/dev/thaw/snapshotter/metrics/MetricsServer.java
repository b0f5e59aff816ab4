package dev.thaw.snapshotter.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Serves a registry's metrics over HTTP at {@code /metrics} (Prometheus text format) for the
 * daemon's lifetime.
 *
 * <p>Thread-safe. {@link #close()} stops the server.
 */
public final class MetricsServer implements AutoCloseable {
  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  /**
   * Starts serving on {@code address} (port 0 picks a free port, see {@link #port()}).
   *
   * @throws IOException if the address cannot be bound; the message names it
   */
  public static MetricsServer start(InetSocketAddress address, PrometheusRegistry registry)
      throws IOException {
    try {
      return new MetricsServer(
          HTTPServer.builder()
              .inetAddress(address.getAddress())
              .port(address.getPort())
              .registry(registry)
              .buildAndStart());
    } catch (IOException e) {
      throw new IOException("start metrics server on " + address + ": " + e.getMessage(), e);
    }
  }

  /** The port actually bound. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
