package dev.thaw.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlockingHttpGetTest {
  private static final byte[] BODY = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);

  /** What the raw server does on each request of a connection. */
  private interface Responder {
    /** Writes a response; returns false to close the connection afterwards. */
    boolean respond(OutputStream out, List<String> head) throws IOException;
  }

  private ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<List<String>> requests = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  private URI start(Responder responder) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        Thread.ofPlatform()
            .daemon()
            .start(() -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  connections.incrementAndGet();
                  threads.add(Thread.ofPlatform().daemon().start(() -> serve(s, responder)));
                } catch (IOException e) {
                  return; // closed
                }
              }
            });
    threads.add(acceptor);
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v2/a/blobs/sha256:x");
  }

  private void serve(Socket s, Responder responder) {
    try (s;
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
      while (true) {
        List<String> head = new ArrayList<>();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          head.add(line);
        }
        if (head.isEmpty()) {
          return;
        }
        requests.add(head);
        if (!responder.respond(s.getOutputStream(), head)) {
          return;
        }
      }
    } catch (IOException e) {
      // The client went away: the test checks what it saw.
    }
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private static void partial(OutputStream out, int from, int to, int sent) throws IOException {
    String head =
        "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes "
            + from
            + "-"
            + (to - 1)
            + "/"
            + BODY.length
            + "\r\nContent-Length: "
            + (to - from)
            + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(BODY, from, sent);
    out.flush();
  }

  private static BlockingHttpGet client() throws Exception {
    return new BlockingHttpGet(
        SSLContext.getDefault(), Duration.ofSeconds(5), Duration.ofMillis(500));
  }

  @Test
  void get_rangeReadToTheEnd_connectionReusedWithHeadersSent() throws Exception {
    URI uri =
        start((out, head) -> {
          partial(out, 5, 15, 10);
          return true;
        });
    BlockingHttpGet http = client();
    for (int i = 0; i < 3; i++) {
      try (BlockingHttpGet.Response r = http.get(uri, Map.of("Range", "bytes=5-14"), "test")) {
        assertEquals(206, r.status());
        assertEquals("bytes 5-14/20", r.header("content-range").orElseThrow());
        assertArrayEquals(
            java.util.Arrays.copyOfRange(BODY, 5, 15), r.body().orElseThrow().readAllBytes());
      }
    }
    assertEquals(1, connections.get());
    assertEquals(3, requests.size());
    assertTrue(requests.get(0).contains("Range: bytes=5-14"), requests.get(0).toString());
    assertTrue(
        requests.get(0).get(0).startsWith("GET /v2/a/blobs/sha256:x HTTP/1.1"),
        requests.get(0).get(0));
  }

  @Test
  void get_serverClosedIdleConnection_retriedOnAFreshOne() throws Exception {
    URI uri =
        start((out, head) -> {
          partial(out, 0, 20, 20);
          return false; // closes without saying so
        });
    BlockingHttpGet http = client();
    for (int i = 0; i < 2; i++) {
      try (BlockingHttpGet.Response r = http.get(uri, Map.of(), "test")) {
        assertArrayEquals(BODY, r.body().orElseThrow().readAllBytes());
      }
    }
    assertEquals(2, connections.get());
  }

  @Test
  void body_closedBeforeItsEnd_connectionNotReused() throws Exception {
    URI uri =
        start((out, head) -> {
          partial(out, 0, 20, 20);
          return true;
        });
    BlockingHttpGet http = client();
    try (BlockingHttpGet.Response r = http.get(uri, Map.of(), "test")) {
      assertEquals('0', r.body().orElseThrow().read());
    }
    try (BlockingHttpGet.Response r = http.get(uri, Map.of(), "test")) {
      assertArrayEquals(BODY, r.body().orElseThrow().readAllBytes());
    }
    assertEquals(2, connections.get());
  }

  @Test
  void body_truncated_failsWithEof() throws Exception {
    URI uri =
        start((out, head) -> {
          partial(out, 0, 20, 7);
          return false;
        });
    try (BlockingHttpGet.Response r = client().get(uri, Map.of(), "read blob x")) {
      EOFException e = assertThrows(EOFException.class, r.body().orElseThrow()::readAllBytes);
      assertTrue(
          e.getMessage().startsWith("read blob x: connection closed 13 bytes"), e.getMessage());
    }
  }

  @Test
  void body_stalled_failsAfterTheReadTimeout() throws Exception {
    URI uri =
        start((out, head) -> {
          partial(out, 0, 20, 3);
          sleep(3_000);
          return false;
        });
    try (BlockingHttpGet.Response r = client().get(uri, Map.of(), "read blob x")) {
      IOException e = assertThrows(IOException.class, r.body().orElseThrow()::readAllBytes);
      assertTrue(e.getMessage().contains("no bytes for"), e.getMessage());
    }
  }

  @Test
  void get_chunkedOrUnknownLength_hasNoBody() throws Exception {
    URI uri =
        start((out, head) -> {
          out.write(
              "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"x\"\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          return true;
        });
    try (BlockingHttpGet.Response r = client().get(uri, Map.of(), "test")) {
      assertEquals(401, r.status());
      assertEquals("Bearer realm=\"x\"", r.header("WWW-Authenticate").orElseThrow());
      assertTrue(r.body().isEmpty());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
