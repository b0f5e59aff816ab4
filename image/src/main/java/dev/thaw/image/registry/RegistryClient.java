package dev.thaw.image.registry;

import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.OciFormatException;
import dev.thaw.image.oci.RegistryReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A client of the OCI distribution API (v2): resolve and fetch manifests, read blobs whole or by
 * range, push blobs (monolithic or chunked, cross-repository mount) and manifests.
 *
 * <p>Plain HTTP is used only for loopback registries and those marked insecure. Authentication
 * follows the registry's challenge: Basic with credentials from the {@link CredentialStore}, or
 * Bearer tokens from the challenge's realm. 5xx, 429 and I/O errors are retried per the {@link
 * RetryPolicy}. Pulls try the registry's configured mirrors first ({@link Builder#mirror}).
 *
 * <p>Thread-safe; share one per process. Blocking: call from virtual threads for concurrency.
 */
public final class RegistryClient {
  private static final int MANIFEST_LIMIT = 4 << 20;

  private final RegistryTransport transport;
  private final BlobUploader uploader;
  private final Map<String, List<URI>> mirrors;

  private RegistryClient(Builder b) {
    HttpClient http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    this.transport =
        new RegistryTransport(
            http, b.credentials, b.retryPolicy, b.insecureRegistries, b.requestTimeout);
    this.uploader = new BlobUploader(transport, b.chunkedUploadThreshold, b.uploadChunkSize);
    Map<String, List<URI>> copy = new HashMap<>();
    b.mirrors.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.mirrors = Map.copyOf(copy);
  }

  /** A builder with anonymous access, default retries, no insecure registries. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link RegistryClient}s. Confined to one thread. */
  public static final class Builder {
    private CredentialStore credentials = CredentialStore.anonymous();
    private final Set<String> insecureRegistries = new HashSet<>();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Duration requestTimeout = Duration.ofSeconds(60);
    private long chunkedUploadThreshold = 64L << 20;
    private int uploadChunkSize = 16 << 20;
    private HttpClient httpClient;
    private final Map<String, List<URI>> mirrors = new HashMap<>();

    private Builder() {}

    /**
     * Pulls from {@code registry} ({@code host[:port]}, e.g. {@code docker.io}) try {@code
     * endpoint} first (e.g. {@code http://127.0.0.1:5001}, a pull-through cache), in the order
     * mirrors were added, then the registry itself. Pushes always go to the registry.
     */
    public Builder mirror(String registry, URI endpoint) {
      mirrors.computeIfAbsent(registry, k -> new ArrayList<>()).add(endpoint);
      return this;
    }

    /** Where credentials come from. */
    public Builder credentials(CredentialStore store) {
      this.credentials = store;
      return this;
    }

    /** Allows plain HTTP to {@code registry} ({@code host[:port]}). */
    public Builder insecureRegistry(String registry) {
      insecureRegistries.add(registry);
      return this;
    }

    /** How failed requests are retried. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = policy;
      return this;
    }

    /** How long to wait for response headers. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    /** Blobs larger than {@code bytes} are uploaded in chunks of {@code chunkSize}. */
    public Builder chunkedUpload(long bytes, int chunkSize) {
      this.chunkedUploadThreshold = bytes;
      this.uploadChunkSize = chunkSize;
      return this;
    }

    /** Uses this HTTP client; it must not follow redirects itself. */
    public Builder httpClient(HttpClient client) {
      this.httpClient = client;
      return this;
    }

    /** The client. */
    public RegistryClient build() {
      return new RegistryClient(this);
    }
  }

  /**
   * Fetches the manifest or index {@code ref} names, with every manifest and index type accepted.
   * By digest, the bytes are verified against it.
   *
   * @throws ManifestNotFoundException on 404
   * @throws RegistryProtocolException if the bytes are not a manifest or do not match the digest
   */
  public ManifestContent fetchManifest(RegistryReference ref) throws IOException {
    return fromEachEndpoint(ref, endpoint -> fetchManifestFrom(endpoint, ref));
  }

  private ManifestContent fetchManifestFrom(Endpoint endpoint, RegistryReference ref)
      throws IOException {
    String what = "fetch manifest " + ref + (endpoint.isMirror() ? " via " + endpoint : "");
    HttpResponse<InputStream> r = transport.send(manifestCall("GET", endpoint, ref, what));
    byte[] bytes;
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw Failures.of(r, what, true);
      }
      bytes = in.readNBytes(MANIFEST_LIMIT + 1);
    }
    if (bytes.length > MANIFEST_LIMIT) {
      throw new RegistryProtocolException(what + ": larger than " + MANIFEST_LIMIT + " bytes");
    }
    ManifestContent content;
    try {
      content = ManifestContent.of(bytes, r.headers().firstValue("Content-Type").orElse(null));
    } catch (OciFormatException e) {
      throw new RegistryProtocolException(what + ": " + e.getMessage(), e);
    }
    Optional<Digest> expected =
        ref.digest()
            .or(() ->
                r.headers()
                    .firstValue("Docker-Content-Digest")
                    .flatMap(RegistryClient::parseDigest));
    if (expected.isPresent() && !expected.get().equals(content.digest())) {
      throw new RegistryProtocolException(
          what + ": content has digest " + content.digest() + ", expected " + expected.get());
    }
    return content;
  }

  /**
   * The descriptor (media type, digest, size) of the manifest {@code ref} names, by HEAD where the
   * registry reports the digest, else by fetching it.
   */
  public Descriptor resolve(RegistryReference ref) throws IOException {
    return fromEachEndpoint(ref, endpoint -> resolveFrom(endpoint, ref));
  }

  private Descriptor resolveFrom(Endpoint endpoint, RegistryReference ref) throws IOException {
    String what = "resolve " + ref + (endpoint.isMirror() ? " via " + endpoint : "");
    HttpResponse<InputStream> r = transport.send(manifestCall("HEAD", endpoint, ref, what));
    RegistryTransport.discard(r);
    if (r.statusCode() == 200) {
      Optional<Digest> digest =
          r.headers().firstValue("Docker-Content-Digest").flatMap(RegistryClient::parseDigest);
      String type = r.headers().firstValue("Content-Type").orElse("");
      long size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (digest.isPresent()
          && size >= 0
          && (MediaTypes.isIndex(type) || MediaTypes.isManifest(type))) {
        return Descriptor.of(type, digest.get(), size);
      }
    } else if (r.statusCode() != 405) {
      throw Failures.of(r, what, true);
    }
    return fetchManifestFrom(endpoint, ref).descriptor();
  }

  private interface EndpointCall<T> {
    T apply(Endpoint endpoint) throws IOException;
  }

  /** Tries the mirrors of {@code ref}'s registry in order, then the registry itself. */
  private <T> T fromEachEndpoint(RegistryReference ref, EndpointCall<T> call) throws IOException {
    List<Endpoint> endpoints = pullEndpoints(ref);
    List<IOException> mirrorFailures = new ArrayList<>();
    for (Endpoint endpoint : endpoints.subList(0, endpoints.size() - 1)) {
      try {
        return call.apply(endpoint);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        mirrorFailures.add(e);
      }
    }
    try {
      return call.apply(endpoints.get(endpoints.size() - 1));
    } catch (IOException e) {
      mirrorFailures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private List<Endpoint> pullEndpoints(RegistryReference ref) {
    List<Endpoint> list = new ArrayList<>();
    for (URI mirror : mirrors.getOrDefault(ref.registry(), List.of())) {
      list.add(Endpoint.mirror(mirror, ref.registry()));
    }
    list.add(Endpoint.upstream(base(ref), ref.registry()));
    return list;
  }

  /**
   * Random access to {@code blob} in {@code repository} (its tag and digest are ignored). No
   * request is made until the first read.
   */
  public RegistryBlobSource blobSource(RegistryReference repository, Descriptor blob) {
    return new RegistryBlobSource(
        transport,
        pullEndpoints(repository),
        "/v2/" + repository.repository() + "/blobs/" + blob.digest(),
        pullScope(repository),
        blob.digest(),
        blob.size(),
        repository.registry() + "/" + repository.repository() + "@" + blob.digest());
  }

  /**
   * Streams a whole blob. The stream checks size and digest at its end and throws {@link
   * RegistryProtocolException} from the last read on a mismatch. The caller closes it.
   *
   * @throws BlobNotFoundException on 404
   */
  public InputStream openBlob(RegistryReference repository, Descriptor blob) throws IOException {
    RegistryBlobSource source = blobSource(repository, blob);
    String what = "fetch blob " + source.describe();
    HttpResponse<InputStream> r = source.getWhole(what);
    if (r.statusCode() != 200) {
      throw Failures.of(r, what, false);
    }
    return new DigestVerifyingInputStream(r.body(), blob.digest(), blob.size(), what);
  }

  /** Fetches a whole (small) blob into memory, verified. */
  public byte[] fetchBlob(RegistryReference repository, Descriptor blob) throws IOException {
    if (blob.size() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("fetch blob " + blob.digest() + ": too large for memory");
    }
    try (InputStream in = openBlob(repository, blob)) {
      byte[] b = in.readAllBytes();
      return b;
    }
  }

  /** True if {@code repository} has the blob (HEAD 200), false on 404. */
  public boolean blobExists(RegistryReference repository, Digest digest) throws IOException {
    return uploader.exists(repository, digest, pushScope(repository));
  }

  /**
   * Pushes a blob unless the repository has it already; monolithic up to the chunked-upload
   * threshold, chunked above. The registry verifies the digest.
   *
   * @return false if the blob was already there
   */
  public boolean pushBlob(RegistryReference repository, Descriptor blob, BlobContent content)
      throws IOException {
    if (blobExists(repository, blob.digest())) {
      return false;
    }
    uploader.upload(repository, blob, content, pushScope(repository), Optional.empty());
    return true;
  }

  /**
   * Asks the registry to mount {@code digest} from {@code fromRepository} (same registry) into
   * {@code repository} without uploading.
   *
   * @return true if mounted; false if the registry declined (the caller then pushes)
   */
  public boolean mountBlob(RegistryReference repository, Digest digest, String fromRepository)
      throws IOException {
    return uploader.mount(
        repository,
        digest,
        fromRepository,
        pushScope(repository) + " repository:" + fromRepository + ":pull");
  }

  /**
   * Pushes a manifest or index under {@code ref}'s tag, or under its digest when it has no tag.
   *
   * @return the digest of the pushed bytes
   */
  public Digest pushManifest(RegistryReference ref, ManifestContent manifest) throws IOException {
    String reference = ref.tag().isEmpty() ? manifest.digest().toString() : ref.tag();
    String what =
        "push manifest "
            + manifest.digest()
            + " to "
            + ref.registry()
            + "/"
            + ref.repository()
            + ":"
            + reference;
    URI uri = base(ref).resolve("/v2/" + ref.repository() + "/manifests/" + reference);
    byte[] bytes = manifest.bytes();
    HttpResponse<InputStream> r =
        transport.send(
            new RegistryTransport.Call(
                "PUT",
                uri,
                Map.of("Content-Type", manifest.mediaType()),
                () -> HttpRequest.BodyPublishers.ofByteArray(bytes),
                ref.registry(),
                pushScope(ref),
                what));
    int status = r.statusCode();
    if (status != 201 && status != 200 && status != 202) {
      throw Failures.of(r, what, true);
    }
    RegistryTransport.discard(r);
    Optional<Digest> reported =
        r.headers().firstValue("Docker-Content-Digest").flatMap(RegistryClient::parseDigest);
    if (reported.isPresent() && !reported.get().equals(manifest.digest())) {
      throw new RegistryProtocolException(what + ": registry reports digest " + reported.get());
    }
    return manifest.digest();
  }

  private RegistryTransport.Call manifestCall(
      String method, Endpoint endpoint, RegistryReference ref, String what) {
    URI uri = endpoint.uri("/v2/" + ref.repository() + "/manifests/" + ref.manifestReference());
    return new RegistryTransport.Call(
        method,
        uri,
        Map.of("Accept", MediaTypes.MANIFEST_ACCEPT),
        null,
        endpoint.authKey(),
        pullScope(ref),
        what);
  }

  URI base(RegistryReference ref) {
    return transport.baseUri(ref.registry());
  }

  static String pullScope(RegistryReference ref) {
    return "repository:" + ref.repository() + ":pull";
  }

  static String pushScope(RegistryReference ref) {
    return "repository:" + ref.repository() + ":pull,push";
  }

  private static Optional<Digest> parseDigest(String text) {
    try {
      return Optional.of(Digest.parse(text.trim()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
