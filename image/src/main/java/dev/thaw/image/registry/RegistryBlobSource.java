package dev.thaw.image.registry;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Digest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Random access to one blob in a registry through HTTP {@code Range} GETs.
 *
 * <p>A redirect (registries send blob GETs to object storage) is followed without our credentials
 * and its target reused for later ranges; when the target answers 401 or 403 (an expired signed
 * URL) the blob URL is resolved again. {@link #readRanges} asks for several ranges in one {@code
 * multipart/byteranges} request and falls back to one request per range, for good, once the server
 * ignores (200) or refuses (416) a multi-range request.
 *
 * <p>Bytes are not verified here: the blob digest covers the whole blob; chunk digests are checked
 * by the layer readers. Thread-safe; blocking.
 */
public final class RegistryBlobSource implements BlobSource {
  /** At most this many ranges go into one request (keeps the Range header small). */
  static final int MAX_RANGES_PER_REQUEST = 32;

  private static final int BODY_ATTEMPTS = 3;
  private static final int DRAIN_LIMIT = 64 * 1024;

  private final RegistryTransport transport;
  private final String registry;
  private final String scope;
  private final URI blobUri;
  private final Digest digest;
  private final long size;
  private final String description;
  private final AtomicReference<URI> redirected = new AtomicReference<>();
  private final AtomicBoolean multiRangeRefused = new AtomicBoolean();

  RegistryBlobSource(
      RegistryTransport transport,
      String registry,
      String scope,
      URI blobUri,
      Digest digest,
      long size,
      String description) {
    this.transport = transport;
    this.registry = registry;
    this.scope = scope;
    this.blobUri = blobUri;
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
    return readRange(new ByteRange(offset, length));
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
    IOException last = null;
    for (int attempt = 0; attempt < BODY_ATTEMPTS; attempt++) {
      HttpResponse<InputStream> r = get("bytes=" + range.spec(), what);
      try (InputStream in = r.body()) {
        switch (r.statusCode()) {
          case 206 -> {
            ByteRange got = contentRange(r, what).range();
            if (!got.contains(range)) {
              throw new RegistryProtocolException(what + ": server sent " + got);
            }
            in.skipNBytes(range.offset() - got.offset());
            return readExactly(in, (int) range.length(), what);
          }
          case 200 -> {
            // The server ignored Range: take the slice out of the whole blob.
            in.skipNBytes(range.offset());
            return readExactly(in, (int) range.length(), what);
          }
          default -> throw unexpected(r, what);
        }
      } catch (RegistryException | InterruptedIOException | EOFException e) {
        throw e;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new RegistryUnavailableException(
        what + ": body failed " + BODY_ATTEMPTS + " times: " + last, last);
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
    HttpResponse<InputStream> r = get(header.toString(), what);
    List<MultipartByteRanges.Part> parts = new ArrayList<>();
    try (InputStream in = r.body()) {
      int status = r.statusCode();
      if (status == 200 || status == 416) {
        // 200: the server ignored the ranges; 416: it refused them. Single ranges from now on.
        multiRangeRefused.set(true);
      } else if (status == 206) {
        String boundary =
            MultipartByteRanges.boundary(r.headers().firstValue("Content-Type").orElse(null));
        long limit = total + 64L * batch.size() * 4 + 65536;
        if (boundary.isEmpty()) {
          ByteRange got = contentRange(r, what).range();
          parts.add(new MultipartByteRanges.Part(got, readExactly(in, (int) got.length(), what)));
        } else {
          byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
          if (body.length > limit) {
            throw new RegistryProtocolException(
                what + ": multipart body larger than the " + total + " bytes asked for");
          }
          try {
            parts.addAll(MultipartByteRanges.parse(body, boundary));
          } catch (IllegalArgumentException e) {
            throw new RegistryProtocolException(what + ": " + e.getMessage(), e);
          }
        }
      } else {
        throw unexpected(r, what);
      }
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
    return get(null, what);
  }

  /** GET with optional Range, through a reused redirect target when there is one. */
  private HttpResponse<InputStream> get(String rangeHeader, String what) throws IOException {
    Map<String, String> headers = rangeHeader == null ? Map.of() : Map.of("Range", rangeHeader);
    URI direct = redirected.get();
    if (direct != null) {
      HttpResponse<InputStream> r =
          transport.send(
              new RegistryTransport.Call(
                  "GET", direct, headers, null, null, null, what + " (redirected)"));
      int s = r.statusCode();
      if (s != 401 && s != 403 && !isRedirect(s)) {
        return r;
      }
      // An expired signed URL: ask the registry again for a fresh one.
      RegistryTransport.discard(r);
      redirected.compareAndSet(direct, null);
    }
    RegistryTransport.Call call =
        new RegistryTransport.Call("GET", blobUri, headers, null, registry, scope, what);
    HttpResponse<InputStream> r = transport.send(call);
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
      r = transport.send(call.withUri(current, sameOrigin ? registry : null));
    }
    int status = r.statusCode();
    if (!current.equals(blobUri) && (status == 200 || status == 206)) {
      redirected.set(current);
    }
    return r;
  }

  private static RegistryException unexpected(HttpResponse<InputStream> r, String what) {
    return Failures.of(r, what, false);
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

  private static byte[] readExactly(InputStream in, int n, String what) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new RegistryProtocolException(
          what + ": body truncated at " + b.length + " of " + n + " bytes");
    }
    drain(in);
    return b;
  }

  /**
   * Reads a short remainder to end of stream: the JDK client returns a connection to its pool only
   * when the body was read to the end; closing earlier costs a new TCP connection per range.
   */
  private static void drain(InputStream in) throws IOException {
    byte[] sink = new byte[8192];
    for (int total = 0; total < DRAIN_LIMIT; ) {
      int r = in.read(sink);
      if (r < 0) {
        return;
      }
      total += r;
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
