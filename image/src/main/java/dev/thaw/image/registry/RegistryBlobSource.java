package dev.thaw.image.registry;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Digest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Random access to one blob in a registry through HTTP {@code Range} GETs.
 *
 * <p>With mirrors configured, each read tries the endpoint that last worked first, then the others
 * in order (mirrors, then the registry); a mirror that fails or lacks the blob is skipped.
 *
 * <p>A redirect (registries send blob GETs to object storage) is followed without our credentials
 * and its target reused for later ranges; when the target answers 401 or 403 (an expired signed
 * URL) the blob URL is resolved again. {@link #readRanges} asks for several ranges in one {@code
 * multipart/byteranges} request and falls back to one request per range, for good, once the server
 * ignores (200) or refuses (416) a multi-range request.
 *
 * <p>Range bodies are read in memory, so the client's request timeout bounds each whole range read:
 * a stalled or truncated response fails and is retried like a 5xx. {@link #openRange} streams
 * instead, first through a plain blocking GET ({@link BlockingHttpGet}: the fetch thread reads the
 * socket itself) and through the HTTP client only when that does not yield the range.
 *
 * <p>Bytes are not verified here: the blob digest covers the whole blob; chunk digests are checked
 * by the layer readers. Thread-safe; blocking.
 */
public final class RegistryBlobSource implements BlobSource {
  private static final Logger LOG = Logger.getLogger(RegistryBlobSource.class.getName());

  /** At most this many ranges go into one request (keeps the Range header small). */
  static final int MAX_RANGES_PER_REQUEST = 32;

  /** A server that ignores Range gets the whole blob read only up to this size. */
  private static final long WHOLE_BLOB_LIMIT = 16L << 20;

  private final RegistryTransport transport;
  private final List<Endpoint> endpoints;
  private final String path;
  private final String scope;
  private final Digest digest;
  private final long size;
  private final String description;
  private final AtomicReference<URI> redirected = new AtomicReference<>();
  private final AtomicBoolean multiRangeRefused = new AtomicBoolean();
  private final AtomicInteger preferred = new AtomicInteger();

  RegistryBlobSource(
      RegistryTransport transport,
      List<Endpoint> endpoints,
      String path,
      String scope,
      Digest digest,
      long size,
      String description) {
    this.transport = transport;
    this.endpoints = List.copyOf(endpoints);
    this.path = path;
    this.scope = scope;
    this.digest = digest;
    this.size = size;
    this.description = description;
  }

  @Override
  public long size() {
    return size;
  }

  /** The blob's digest. */
  public Digest digest() {
    return digest;
  }

  @Override
  public String describe() {
    return description;
  }

  /** True once the server has shown it does not serve multi-range requests. */
  public boolean multiRangeRefused() {
    return multiRangeRefused.get();
  }

  /** The redirect target currently reused for ranges, if any (for tests and diagnostics). */
  URI redirectTarget() {
    return redirected.get();
  }

  @Override
  public byte[] read(long offset, int length) throws IOException {
    if (length == 0 && offset >= 0 && offset <= size) {
      return new byte[0];
    }
    checkRange(offset, length);
    return readRange(new ByteRange(offset, length));
  }

  private void checkRange(long offset, long length) throws EOFException {
    if (offset < 0 || length < 0 || offset + length > size) {
      throw new EOFException(
          "read "
              + description
              + " bytes "
              + offset
              + "-"
              + (offset + length - 1)
              + ": blob has "
              + size
              + " bytes");
    }
  }

  /**
   * Streams the range from one {@code Range} GET: the bytes are handed out as they arrive, so a
   * reader can use the start of a large range while the rest is in transit. Each read waits at most
   * the client's request timeout for more bytes (a stalled server fails the read instead of
   * blocking it forever); the whole range has no deadline.
   */
  @Override
  public InputStream openRange(long offset, long length) throws IOException {
    checkRange(offset, length);
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    ByteRange range = new ByteRange(offset, length);
    String what = "read " + description + " " + range;
    Optional<InputStream> direct = openDirect(range, what);
    if (direct.isPresent()) {
      return direct.get();
    }
    HttpResponse<InputStream> r =
        get("bytes=" + range.spec(), what, StreamingBody.handler(transport.requestTimeout(), what));
    InputStream body = r.body();
    try {
      long skip;
      switch (r.statusCode()) {
        case 206 -> {
          ByteRange got = contentRange(r, what).range();
          if (!got.contains(range)) {
            throw new RegistryProtocolException(what + ": server sent " + got);
          }
          skip = range.offset() - got.offset();
        }
        case 200 -> {
          // The server ignored Range: a small blob is read from its start, a large one refused.
          if (size > WHOLE_BLOB_LIMIT) {
            throw new RegistryProtocolException(
                what + ": server ignores Range requests (200) on a blob of " + size + " bytes");
          }
          skip = range.offset();
        }
        default -> throw Failures.of(r, what, false);
      }
      body.skipNBytes(skip);
      return new ExactLengthInputStream(body, length, what);
    } catch (IOException | RuntimeException e) {
      body.close();
      throw e;
    }
  }

  /**
   * The fast path of {@link #openRange}: one blocking GET of the range from the endpoint that last
   * served this blob (or its redirect target), with the Authorization the transport holds for it,
   * read by the caller's thread straight from the socket. Empty when that does not give a plain 206
   * of the range (no connection, a challenge, a redirect, an error status, a missing length): then
   * the full path, with its authentication, redirects, mirrors, retries and errors, handles it.
   */
  private Optional<InputStream> openDirect(ByteRange range, String what) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Range", "bytes=" + range.spec());
    URI uri = redirected.get();
    try {
      if (uri == null) {
        Endpoint endpoint = endpoints.get(preferred.get());
        uri = endpoint.uri(path);
        transport
            .authorization(
                new RegistryTransport.Call(
                    "GET", uri, Map.of(), null, endpoint.authKey(), scope, what))
            .ifPresent(a -> headers.put("Authorization", a));
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, what + ": direct GET without authorization, full path instead", e);
      return Optional.empty();
    }
    BlockingHttpGet.Response r;
    try {
      r = transport.blockingGet().get(uri, headers, what);
    } catch (IOException e) {
      LOG.log(Level.FINE, what + ": direct GET failed, full path instead", e);
      return Optional.empty();
    }
    try {
      Optional<ByteRange> got =
          r.header("Content-Range")
              .flatMap(h -> {
                try {
                  ContentRange cr = ContentRange.parse(h);
                  return cr.first() < 0 ? Optional.empty() : Optional.of(cr.range());
                } catch (IllegalArgumentException e) {
                  return Optional.empty();
                }
              });
      if (r.status() != 206
          || r.body().isEmpty()
          || got.isEmpty()
          || !got.get().contains(range)
          || r.header("Content-Length").map(Long::parseLong).orElse(-1L) != got.get().length()) {
        r.close();
        return Optional.empty();
      }
      InputStream body = r.body().get();
      body.skipNBytes(range.offset() - got.get().offset());
      return Optional.of(new ExactLengthInputStream(body, range.length(), what));
    } catch (IOException | RuntimeException e) {
      r.close();
      LOG.log(Level.FINE, what + ": direct GET unusable, full path instead", e);
      return Optional.empty();
    }
  }

  /**
   * Reads several ranges, in as few requests as the server allows. The result has one array per
   * requested range, in request order. Ranges may overlap and come in any order.
   *
   * @throws EOFException if a range extends past the end of the blob
   * @throws IOException as {@link #read}
   */
  public List<byte[]> readRanges(List<ByteRange> ranges) throws IOException {
    for (ByteRange r : ranges) {
      if (r.end() > size || r.length() > Integer.MAX_VALUE) {
        throw new EOFException("read " + description + " " + r + ": blob has " + size + " bytes");
      }
    }
    List<byte[]> out = new ArrayList<>(ranges.size());
    for (int from = 0; from < ranges.size(); from += MAX_RANGES_PER_REQUEST) {
      List<ByteRange> batch =
          ranges.subList(from, Math.min(ranges.size(), from + MAX_RANGES_PER_REQUEST));
      if (batch.size() == 1 || multiRangeRefused.get()) {
        for (ByteRange r : batch) {
          out.add(readRange(r));
        }
      } else {
        out.addAll(readBatch(batch));
      }
    }
    return out;
  }

  private byte[] readRange(ByteRange range) throws IOException {
    String what = "read " + description + " " + range;
    HttpResponse<byte[]> r = get("bytes=" + range.spec(), what, rangeBody(range.length(), true));
    byte[] body = r.body();
    switch (r.statusCode()) {
      case 206 -> {
        ByteRange got = contentRange(r, what).range();
        if (!got.contains(range)) {
          throw new RegistryProtocolException(what + ": server sent " + got);
        }
        checkLength(body, got.length(), what);
        if (got.equals(range)) {
          return body;
        }
        int from = (int) (range.offset() - got.offset());
        return Arrays.copyOfRange(body, from, from + (int) range.length());
      }
      case 200 -> {
        // The server ignored Range; a small blob was read whole, a large one refused.
        if (body.length != size) {
          throw new RegistryProtocolException(
              what + ": server ignores Range requests (200) on a blob of " + size + " bytes");
        }
        return Arrays.copyOfRange(body, (int) range.offset(), (int) range.end());
      }
      default -> throw Failures.of(r, what, false);
    }
  }

  private List<byte[]> readBatch(List<ByteRange> batch) throws IOException {
    StringBuilder header = new StringBuilder("bytes=");
    long total = 0;
    for (ByteRange r : batch) {
      header.append(header.length() > 6 ? "," : "").append(r.spec());
      total += r.length();
    }
    String what =
        "read " + description + " " + batch.size() + " ranges from " + batch.get(0).offset();
    long limit = total + 256L * batch.size() + 65536;
    HttpResponse<byte[]> r = get(header.toString(), what, rangeBody(limit, false));
    List<MultipartByteRanges.Part> parts = new ArrayList<>();
    int status = r.statusCode();
    if (status == 200 || status == 416) {
      // 200: the server ignored the ranges; 416: it refused them. Single ranges from now on.
      multiRangeRefused.set(true);
    } else if (status == 206) {
      String boundary =
          MultipartByteRanges.boundary(r.headers().firstValue("Content-Type").orElse(null));
      if (r.body().length == 0 && total > 0) {
        throw new RegistryProtocolException(
            what + ": multipart body larger than " + limit + " bytes for " + total + " asked");
      }
      if (boundary.isEmpty()) {
        // One range back: the server coalesced the ranges it was asked for.
        ByteRange got = contentRange(r, what).range();
        checkLength(r.body(), got.length(), what);
        parts.add(new MultipartByteRanges.Part(got, r.body()));
      } else {
        try {
          parts.addAll(MultipartByteRanges.parse(r.body(), boundary));
        } catch (IllegalArgumentException e) {
          throw new RegistryProtocolException(what + ": " + e.getMessage(), e);
        }
      }
    } else {
      throw Failures.of(r, what, false);
    }
    List<byte[]> out = new ArrayList<>(batch.size());
    for (ByteRange want : batch) {
      byte[] slice = null;
      for (MultipartByteRanges.Part p : parts) {
        if (p.range().contains(want)) {
          int from = (int) (want.offset() - p.range().offset());
          slice = Arrays.copyOfRange(p.data(), from, from + (int) want.length());
          break;
        }
      }
      out.add(slice != null ? slice : readRange(want));
    }
    return out;
  }

  /** A GET of the whole blob, following and remembering redirects; the caller checks status. */
  HttpResponse<InputStream> getWhole(String what) throws IOException {
    return get(null, what, HttpResponse.BodyHandlers.ofInputStream());
  }

  /**
   * In-memory bodies for range GETs, so the request timeout bounds the whole read. A body over
   * {@code limit} bytes (by Content-Length) is not read: the exchange is cancelled and the body
   * comes back empty. A 200 (Range ignored) is read only if {@code acceptWhole} and the blob is
   * small.
   */
  private HttpResponse.BodyHandler<byte[]> rangeBody(long limit, boolean acceptWhole) {
    return info -> {
      boolean read;
      if (info.statusCode() == 200) {
        read = acceptWhole && size <= WHOLE_BLOB_LIMIT;
      } else {
        read = info.headers().firstValueAsLong("Content-Length").orElse(0) <= limit;
      }
      return read ? HttpResponse.BodySubscribers.ofByteArray() : new Cancelling();
    };
  }

  /** A body subscriber that cancels at once and yields an empty body. */
  private static final class Cancelling implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.cancel();
      body.complete(new byte[0]);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {}

    @Override
    public void onError(Throwable throwable) {
      body.complete(new byte[0]);
    }

    @Override
    public void onComplete() {
      body.complete(new byte[0]);
    }
  }

  /** GET with optional Range, through a reused redirect target when there is one. */
  private <T> HttpResponse<T> get(
      String rangeHeader, String what, HttpResponse.BodyHandler<T> handler) throws IOException {
    Map<String, String> headers = rangeHeader == null ? Map.of() : Map.of("Range", rangeHeader);
    URI direct = redirected.get();
    if (direct != null) {
      HttpResponse<T> r =
          transport.send(
              new RegistryTransport.Call(
                  "GET", direct, headers, null, null, null, what + " (redirected)"),
              handler);
      int s = r.statusCode();
      if (s != 401 && s != 403 && !isRedirect(s)) {
        return r;
      }
      // An expired signed URL: ask the registry again for a fresh one.
      RegistryTransport.discard(r);
      redirected.compareAndSet(direct, null);
    }
    List<IOException> mirrorFailures = new ArrayList<>();
    int first = preferred.get();
    for (int k = 0; k < endpoints.size(); k++) {
      int i = (first + k) % endpoints.size();
      Endpoint endpoint = endpoints.get(i);
      boolean last = k == endpoints.size() - 1;
      try {
        HttpResponse<T> r = getFrom(endpoint, headers, what, handler);
        int status = r.statusCode();
        if (status == 200 || status == 206 || status == 416 || last) {
          if (status == 200 || status == 206) {
            preferred.set(i);
          }
          return r;
        }
        // A mirror without the blob (or refusing us): try the next endpoint.
        mirrorFailures.add(Failures.of(r, what + " from " + endpoint, false));
      } catch (IOException e) {
        if (last) {
          mirrorFailures.forEach(e::addSuppressed);
          throw e;
        }
        mirrorFailures.add(e);
      }
    }
    throw new IllegalStateException("unreachable: the last endpoint returns or throws");
  }

  private <T> HttpResponse<T> getFrom(
      Endpoint endpoint,
      Map<String, String> headers,
      String what,
      HttpResponse.BodyHandler<T> handler)
      throws IOException {
    URI blobUri = endpoint.uri(path);
    RegistryTransport.Call call =
        new RegistryTransport.Call(
            "GET",
            blobUri,
            headers,
            null,
            endpoint.authKey(),
            scope,
            endpoint.isMirror() ? what + " via " + endpoint : what);
    HttpResponse<T> r = transport.send(call, handler);
    URI current = blobUri;
    for (int hops = 0; isRedirect(r.statusCode()); hops++) {
      String location = r.headers().firstValue("Location").orElse(null);
      RegistryTransport.discard(r);
      if (location == null || hops >= 5) {
        throw new RegistryProtocolException(
            what + ": redirect without Location or more than 5 redirects");
      }
      current = current.resolve(location);
      boolean sameOrigin =
          Objects.equals(current.getScheme(), blobUri.getScheme())
              && Objects.equals(current.getAuthority(), blobUri.getAuthority());
      r = transport.send(call.withUri(current, sameOrigin ? endpoint.authKey() : null), handler);
    }
    int status = r.statusCode();
    if (!current.equals(blobUri) && (status == 200 || status == 206)) {
      redirected.set(current);
    }
    return r;
  }

  /**
   * The first {@code length} bytes of a body; an earlier end of the body fails the read with an
   * {@link EOFException}. Closing it closes the body.
   */
  private static final class ExactLengthInputStream extends java.io.FilterInputStream {
    private final String what;
    private long left;

    ExactLengthInputStream(InputStream body, long length, String what) {
      super(body);
      this.left = length;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException(what + ": body ended " + left + " bytes early");
      }
      left -= n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] scratch = new byte[(int) Math.min(8192, Math.max(1, n))];
      long skipped = 0;
      while (skipped < n) {
        int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(left, in.available());
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  private static ContentRange contentRange(HttpResponse<?> r, String what)
      throws RegistryProtocolException {
    String header =
        r.headers()
            .firstValue("Content-Range")
            .orElseThrow(() -> new RegistryProtocolException(what + ": 206 without Content-Range"));
    try {
      ContentRange cr = ContentRange.parse(header);
      if (cr.first() < 0) {
        throw new RegistryProtocolException(
            what + ": 206 with unsatisfied Content-Range " + header);
      }
      return cr;
    } catch (IllegalArgumentException e) {
      throw new RegistryProtocolException(what + ": " + e.getMessage(), e);
    }
  }

  private static void checkLength(byte[] body, long expected, String what)
      throws RegistryProtocolException {
    if (body.length != expected) {
      throw new RegistryProtocolException(
          what + ": body has " + body.length + " bytes, Content-Range says " + expected);
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  @Override
  public String toString() {
    return "RegistryBlobSource[" + description + "]";
  }
}
