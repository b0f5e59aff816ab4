package dev.thaw.image.registry;

import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.RegistryReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The push side of the blob API: existence check, upload sessions (monolithic {@code POST} + {@code
 * PUT}, or chunked {@code PATCH}es then {@code PUT}) and cross-repository mounts.
 *
 * <p>Thread-safe (stateless apart from the transport). Blocking.
 */
final class BlobUploader {
  private final RegistryTransport transport;
  private final long chunkedThreshold;
  private final int chunkSize;

  BlobUploader(RegistryTransport transport, long chunkedThreshold, int chunkSize) {
    this.transport = transport;
    this.chunkedThreshold = chunkedThreshold;
    this.chunkSize = chunkSize;
  }

  boolean exists(RegistryReference repo, Digest digest, String scope) throws IOException {
    String what = "check blob " + digest + " in " + name(repo);
    HttpResponse<InputStream> r =
        transport.send(
            call(
                "HEAD",
                URI.create(blobs(repo) + digest.toString()),
                Map.of(),
                null,
                repo,
                scope,
                what));
    RegistryTransport.discard(r);
    return switch (r.statusCode()) {
      case 200 -> true;
      case 404 -> false;
      default -> throw Failures.of(r, what, false);
    };
  }

  boolean mount(RegistryReference repo, Digest digest, String from, String scope)
      throws IOException {
    String what = "mount blob " + digest + " from " + from + " into " + name(repo);
    URI uri =
        blobs(repo)
            .resolve("uploads/?mount=" + encode(digest.toString()) + "&from=" + encode(from));
    HttpResponse<InputStream> r =
        transport.send(call("POST", uri, Map.of(), empty(), repo, scope, what));
    RegistryTransport.discard(r);
    return switch (r.statusCode()) {
      case 201 -> true;
      case 202 -> {
        // Declined: the registry opened an upload session instead. Cancel it; the caller pushes.
        Optional<String> location = r.headers().firstValue("Location");
        if (location.isPresent()) {
          HttpResponse<InputStream> d =
              transport.send(
                  call(
                      "DELETE",
                      uri.resolve(location.get()),
                      Map.of(),
                      null,
                      repo,
                      scope,
                      what + " (cancel upload)"));
          RegistryTransport.discard(d);
        }
        yield false;
      }
      default -> throw Failures.of(r, what, false);
    };
  }

  void upload(
      RegistryReference repo,
      Descriptor blob,
      BlobContent content,
      String scope,
      Optional<URI> session)
      throws IOException {
    String what = "push blob " + blob.digest() + " (" + blob.size() + " bytes) to " + name(repo);
    URI location = session.isPresent() ? session.get() : start(repo, scope, what);
    if (blob.size() > chunkedThreshold) {
      location = patchChunks(repo, blob, content, scope, what, location);
      finish(repo, scope, what, location, blob.digest(), empty(), 0);
    } else {
      finish(
          repo,
          scope,
          what,
          location,
          blob.digest(),
          () -> streamBody(content, blob.size()),
          blob.size());
    }
  }

  private URI start(RegistryReference repo, String scope, String what) throws IOException {
    URI uri = blobs(repo).resolve("uploads/");
    HttpResponse<InputStream> r =
        transport.send(call("POST", uri, Map.of(), empty(), repo, scope, what + " (start upload)"));
    if (r.statusCode() != 202) {
      throw Failures.of(r, what + " (start upload)", false);
    }
    RegistryTransport.discard(r);
    return location(r, uri, what);
  }

  private URI patchChunks(
      RegistryReference repo,
      Descriptor blob,
      BlobContent content,
      String scope,
      String what,
      URI location)
      throws IOException {
    try (InputStream in = content.open()) {
      long offset = 0;
      while (offset < blob.size()) {
        byte[] chunk = in.readNBytes((int) Math.min(chunkSize, blob.size() - offset));
        if (chunk.length == 0) {
          throw new IOException(
              what + ": content ended at " + offset + " of " + blob.size() + " bytes");
        }
        String chunkWhat = what + " (chunk " + offset + "-" + (offset + chunk.length - 1) + ")";
        HttpResponse<InputStream> r =
            transport.send(
                call(
                    "PATCH",
                    location,
                    Map.of(
                        "Content-Type",
                        "application/octet-stream",
                        "Content-Range",
                        offset + "-" + (offset + chunk.length - 1)),
                    () -> HttpRequest.BodyPublishers.ofByteArray(chunk),
                    repo,
                    scope,
                    chunkWhat));
        if (r.statusCode() != 202) {
          throw Failures.of(r, chunkWhat, false);
        }
        RegistryTransport.discard(r);
        location = location(r, location, chunkWhat);
        offset += chunk.length;
      }
    }
    return location;
  }

  private void finish(
      RegistryReference repo,
      String scope,
      String what,
      URI location,
      Digest digest,
      Supplier<HttpRequest.BodyPublisher> body,
      long length)
      throws IOException {
    String sep = location.getRawQuery() == null ? "?" : "&";
    URI uri = URI.create(location + sep + "digest=" + encode(digest.toString()));
    HttpResponse<InputStream> r =
        transport.send(
            call(
                "PUT",
                uri,
                length > 0 ? Map.of("Content-Type", "application/octet-stream") : Map.of(),
                body,
                repo,
                scope,
                what + " (complete upload)"));
    if (r.statusCode() != 201 && r.statusCode() != 204) {
      throw Failures.of(r, what + " (complete upload)", false);
    }
    RegistryTransport.discard(r);
  }

  private static HttpRequest.BodyPublisher streamBody(BlobContent content, long size) {
    if (size == 0) {
      return HttpRequest.BodyPublishers.noBody();
    }
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> {
          try {
            return content.open();
          } catch (IOException e) {
            throw new UncheckedIOException("open blob content for upload", e);
          }
        }),
        size);
  }

  private static Supplier<HttpRequest.BodyPublisher> empty() {
    return HttpRequest.BodyPublishers::noBody;
  }

  private static URI location(HttpResponse<?> r, URI base, String what)
      throws RegistryProtocolException {
    String loc =
        r.headers()
            .firstValue("Location")
            .orElseThrow(
                () -> new RegistryProtocolException(what + ": upload response without Location"));
    return base.resolve(loc);
  }

  private URI blobs(RegistryReference repo) {
    return transport.baseUri(repo.registry()).resolve("/v2/" + repo.repository() + "/blobs/");
  }

  private static RegistryTransport.Call call(
      String method,
      URI uri,
      Map<String, String> headers,
      Supplier<HttpRequest.BodyPublisher> body,
      RegistryReference repo,
      String scope,
      String what) {
    return new RegistryTransport.Call(method, uri, headers, body, repo.registry(), scope, what);
  }

  private static String name(RegistryReference repo) {
    return repo.registry() + "/" + repo.repository();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
