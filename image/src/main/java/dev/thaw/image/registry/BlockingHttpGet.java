package dev.thaw.image.registry;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Plain blocking HTTP/1.1 GETs over {@link Socket} (or {@link SSLSocket} for {@code https}), with a
 * small pool of kept-alive connections per host. For the hot path of lazy fetching only: streamed
 * Range GETs of blob bytes, read by the fetch thread straight from the socket into its buffer.
 *
 * <p>Why not the JDK {@link java.net.http.HttpClient}: it reads every response on one selector
 * thread and hands the body over in pieces through a worker thread, a copy and two thread hops per
 * 256 KiB piece; on a 2-vCPU node that capped one cold sequential read well below the link.
 *
 * <p>Nothing here authenticates, follows redirects or retries: the caller sends whatever headers it
 * has and treats every response it cannot use as a reason to take the full path. Only responses
 * with a {@code Content-Length} and without {@code Transfer-Encoding} have a body to read here
 * ({@link Response#body} is empty otherwise).
 *
 * <p>Thread-safe; each {@link Response} is for one thread.
 */
final class BlockingHttpGet {
  private static final int HEAD_LIMIT = 64 * 1024;
  private static final int IDLE_PER_HOST = 16;

  private final SSLContext ssl;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Map<String, ArrayDeque<Connection>> idle = new HashMap<>(); // guarded by itself

  /**
   * @param ssl for {@code https} URIs (the HTTP client's context, so both trust the same CAs)
   * @param readTimeout the longest wait for the response head or for more body bytes
   */
  BlockingHttpGet(SSLContext ssl, Duration connectTimeout, Duration readTimeout) {
    this.ssl = ssl;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  /** One response: status, headers (names lower-cased) and the body, if it has a known length. */
  static final class Response implements AutoCloseable {
    private final int status;
    private final Map<String, String> headers;
    private final Optional<InputStream> body;
    private final Connection connection;

    private Response(
        int status, Map<String, String> headers, Optional<InputStream> body, Connection c) {
      this.status = status;
      this.headers = headers;
      this.body = body;
      this.connection = c;
    }

    int status() {
      return status;
    }

    /** The header's value (the last one if repeated), by case-insensitive name. */
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * The body, ending after {@code Content-Length} bytes (an earlier end of the connection fails
     * the read with {@link EOFException}); empty when the length is not known. Reading it to its
     * end returns the connection to the pool; closing it before closes the connection.
     */
    Optional<InputStream> body() {
      return body;
    }

    /** Closes the body, or the connection if the body was not read to its end. */
    @Override
    public void close() {
      if (body.isPresent()) {
        try {
          body.get().close();
        } catch (IOException e) {
          connection.close();
        }
      } else {
        connection.close();
      }
    }
  }

  /**
   * Sends {@code GET uri} with {@code headers} and reads the response head. A kept-alive connection
   * that turns out to have been closed by the server is replaced once by a fresh one.
   *
   * @throws IOException if no connection can be made or the response head is malformed or late
   */
  Response get(URI uri, Map<String, String> headers, String what) throws IOException {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IOException("GET " + uri + ": unsupported scheme " + scheme);
    }
    String host = uri.getHost();
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    String key = scheme + "://" + host + ":" + port;
    byte[] request = request(uri, headers);
    Connection pooled = takeIdle(key);
    if (pooled != null) {
      try {
        return exchange(pooled, request, key, what);
      } catch (IOException stale) {
        pooled.close(); // the server closed it while idle: one fresh try
      }
    }
    Connection fresh = connect(scheme, host, port);
    try {
      return exchange(fresh, request, key, what);
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
  }

  private static byte[] request(URI uri, Map<String, String> headers) {
    String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      target += "?" + uri.getRawQuery();
    }
    StringBuilder b = new StringBuilder(256);
    b.append("GET ").append(target).append(" HTTP/1.1\r\n");
    b.append("Host: ").append(uri.getRawAuthority()).append("\r\n");
    b.append("User-Agent: thaw\r\n");
    b.append("Accept-Encoding: identity\r\n");
    headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
    b.append("\r\n");
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private Connection connect(String scheme, String host, int port) throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), Math.toIntExact(connectTimeout.toMillis()));
      s.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
      if (scheme.equals("https")) {
        SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(s, host, port, true);
        SSLParameters p = tls.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.isEmpty() && !Character.isDigit(host.charAt(0)) && !host.contains(":")) {
          p.setServerNames(List.of(new SNIHostName(host)));
        }
        tls.setSSLParameters(p);
        tls.startHandshake();
        s = tls;
      }
      return new Connection(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private Response exchange(Connection c, byte[] request, String key, String what)
      throws IOException {
    c.out.write(request);
    c.out.flush();
    int status;
    Map<String, String> headers;
    do {
      String statusLine = c.line();
      if (statusLine == null) {
        throw new EOFException("connection closed before the response");
      }
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("malformed status line: " + statusLine);
      }
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("malformed status line: " + statusLine, e);
      }
      headers = c.headers();
    } while (status >= 100 && status < 200);
    boolean close =
        "close".equalsIgnoreCase(headers.getOrDefault("connection", ""))
            || headers.containsKey("transfer-encoding");
    OptionalLong length = OptionalLong.empty();
    String cl = headers.get("content-length");
    if (cl != null && !headers.containsKey("transfer-encoding")) {
      try {
        length = OptionalLong.of(Long.parseLong(cl.trim()));
      } catch (NumberFormatException e) {
        throw new IOException("malformed Content-Length: " + cl, e);
      }
    }
    Optional<InputStream> body =
        length.isPresent()
            ? Optional.of(new Body(c, length.getAsLong(), close ? null : key, what))
            : Optional.empty();
    return new Response(status, headers, body, c);
  }

  private Connection takeIdle(String key) {
    synchronized (idle) {
      ArrayDeque<Connection> q = idle.get(key);
      return q == null ? null : q.pollLast();
    }
  }

  private void release(String key, Connection c) {
    synchronized (idle) {
      ArrayDeque<Connection> q = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
      if (q.size() < IDLE_PER_HOST) {
        q.addLast(c);
        return;
      }
    }
    c.close();
  }

  /** One socket with its buffered input. Confined to one thread at a time. */
  private static final class Connection {
    final Socket socket;
    final BufferedInputStream in;
    final OutputStream out;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      this.out = socket.getOutputStream();
    }

    /** A CRLF-terminated line without its terminator; null at the end of the stream. */
    String line() throws IOException {
      StringBuilder b = new StringBuilder(64);
      while (true) {
        int ch = in.read();
        if (ch < 0) {
          return b.isEmpty() ? null : b.toString();
        }
        if (ch == '\n') {
          int n = b.length();
          return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
        }
        if (b.length() >= HEAD_LIMIT) {
          throw new IOException("response header line longer than " + HEAD_LIMIT + " bytes");
        }
        b.append((char) ch);
      }
    }

    Map<String, String> headers() throws IOException {
      Map<String, String> h = new HashMap<>();
      int total = 0;
      while (true) {
        String line = line();
        if (line == null) {
          throw new EOFException("connection closed inside the response head");
        }
        if (line.isEmpty()) {
          return h;
        }
        total += line.length();
        if (total > HEAD_LIMIT) {
          throw new IOException("response head larger than " + HEAD_LIMIT + " bytes");
        }
        int colon = line.indexOf(':');
        if (colon > 0) {
          h.put(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).trim());
        }
      }
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing a socket we give up on: nothing left to report.
      }
    }
  }

  /** A body of known length; back to the pool when read to its end, if the server allows. */
  private final class Body extends InputStream {
    private final Connection c;
    private final String poolKey;
    private final String what;
    private long left;
    private boolean closed;

    Body(Connection c, long length, String poolKey, String what) {
      this.c = c;
      this.left = length;
      this.poolKey = poolKey;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (closed) {
        throw new IOException("response body closed");
      }
      if (left == 0) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      int n;
      try {
        n = c.in.read(b, off, (int) Math.min(len, left));
      } catch (SocketTimeoutException e) {
        throw new HttpTimeoutException(what + ": no bytes for " + readTimeout);
      }
      if (n < 0) {
        throw new EOFException(
            what + ": connection closed " + left + " bytes before the body's end");
      }
      left -= n;
      return n;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(left, c.in.available());
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (left == 0 && poolKey != null) {
        release(poolKey, c);
      } else {
        c.close();
      }
    }
  }
}
