package dev.thaw.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process HTTP server on 127.0.0.1 for faults a real registry cannot produce. Routes by path
 * prefix (longest wins); records every request. Thread-safe.
 */
final class FakeHttpServer implements AutoCloseable {
  /** A recorded request. */
  record Request(String method, String path, String query, String range, String authorization) {}

  /** Handles one exchange; must send a response. */
  interface Handler {
    void handle(HttpExchange exchange, int hit) throws IOException;
  }

  private final HttpServer server;
  private final Map<String, Handler> routes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  FakeHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::dispatch);
    server.start();
  }

  FakeHttpServer route(String prefix, Handler handler) {
    routes.put(prefix, handler);
    return this;
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  int hits(String prefix) {
    return hits.computeIfAbsent(prefix, k -> new AtomicInteger()).get();
  }

  private void dispatch(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    requests.add(
        new Request(
            ex.getRequestMethod(),
            path,
            ex.getRequestURI().getRawQuery(),
            ex.getRequestHeaders().getFirst("Range"),
            ex.getRequestHeaders().getFirst("Authorization")));
    String best = null;
    for (String prefix : routes.keySet()) {
      if (path.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    try (ex) {
      ex.getRequestBody().readAllBytes();
      if (best == null) {
        send(ex, 404, "no route");
        return;
      }
      int hit = hits.computeIfAbsent(best, k -> new AtomicInteger()).incrementAndGet();
      routes.get(best).handle(ex, hit);
    }
  }

  static void send(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, body.getBytes(StandardCharsets.UTF_8));
  }

  static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** Serves one {@code bytes=a-b} range of {@code blob} as 206, or the whole blob as 200. */
  static void serveSingleRange(HttpExchange ex, byte[] blob) throws IOException {
    String range = ex.getRequestHeaders().getFirst("Range");
    if (range == null) {
      send(ex, 200, blob);
      return;
    }
    String[] ab = range.substring("bytes=".length()).split("-");
    int a = Integer.parseInt(ab[0]);
    int b = Integer.parseInt(ab[1]);
    ex.getResponseHeaders().set("Content-Range", "bytes " + a + "-" + b + "/" + blob.length);
    send(ex, 206, java.util.Arrays.copyOfRange(blob, a, b + 1));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
