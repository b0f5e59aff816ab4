package dev.thaw.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Sends one distribution-API request with authentication and bounded retries. Redirects are not
 * followed here: callers see 3xx and decide (a blob redirect goes to storage without our
 * Authorization header).
 *
 * <p>Thread-safe. Blocking.
 */
final class RegistryTransport {
  private static final int ERROR_BODY_LIMIT = 2048;

  /**
   * One request.
   *
   * @param method HTTP method
   * @param uri absolute URI
   * @param headers extra headers
   * @param body a fresh body per try, or null for none
   * @param registry the registry to authenticate against, or null to send no credentials
   * @param scope the token scope, e.g. {@code repository:a/b:pull}
   * @param what what is being done on what, for messages
   */
  record Call(
      String method,
      URI uri,
      Map<String, String> headers,
      Supplier<HttpRequest.BodyPublisher> body,
      String registry,
      String scope,
      String what) {
    Call {
      headers = Map.copyOf(headers);
    }

    Call withUri(URI newUri, String newRegistry) {
      return new Call(method, newUri, headers, body, newRegistry, scope, what);
    }
  }

  private final HttpClient http;
  private final RetryPolicy retry;
  private final Set<String> insecureRegistries;
  private final Duration requestTimeout;
  private final Authenticator authenticator;
  private final BlockingHttpGet blockingGet;

  RegistryTransport(
      HttpClient http,
      CredentialStore credentials,
      RetryPolicy retry,
      Set<String> insecureRegistries,
      Duration requestTimeout) {
    this.http = http;
    this.retry = retry;
    this.insecureRegistries = Set.copyOf(insecureRegistries);
    this.requestTimeout = requestTimeout;
    this.authenticator = new Authenticator(this, credentials);
    this.blockingGet =
        new BlockingHttpGet(
            http.sslContext(),
            http.connectTimeout().orElse(Duration.ofSeconds(10)),
            requestTimeout);
  }

  /**
   * Blocking GETs for streamed blob ranges; the caller authenticates through {@link #authorization}
   * and takes the full {@link #send} path for any response it cannot use.
   */
  BlockingHttpGet blockingGet() {
    return blockingGet;
  }

  /**
   * The Authorization header {@link #send} would start {@code call} with: none before the registry
   * has challenged, else its credentials or a (cached, or freshly fetched) token.
   */
  Optional<String> authorization(Call call) throws IOException {
    return authenticator.authorization(call, false);
  }

  /**
   * The base URI of {@code registry}: {@code http://} only for loopback hosts and hosts marked
   * insecure, {@code https://} otherwise. {@code docker.io} maps to its API host.
   */
  URI baseUri(String registry) {
    String host = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    boolean plain = isLoopback(registry) || insecureRegistries.contains(registry);
    return URI.create((plain ? "http://" : "https://") + host);
  }

  static boolean isLoopback(String registry) {
    String host = registry;
    if (host.startsWith("[")) {
      host = host.substring(1, host.indexOf(']'));
      return host.equals("::1");
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    return host.equals("localhost") || host.startsWith("127.");
  }

  /** How long one exchange may take; for streamed bodies, how long a read may wait for bytes. */
  Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Sends {@code call}: authenticates on a 401 challenge (once), retries 5xx, 429 and I/O errors
   * per the retry policy. Returns every other response with its body open; the caller closes it.
   *
   * @throws RegistryUnauthorizedException if still 401 after authenticating
   * @throws RegistryUnavailableException if the retries are exhausted
   */
  HttpResponse<InputStream> send(Call call) throws IOException {
    return send(call, HttpResponse.BodyHandlers.ofInputStream());
  }

  /**
   * As {@link #send(Call)}, with the body read by {@code handler}. For an in-memory handler the
   * request timeout bounds the whole exchange, body included, so a stalled server fails the call
   * (and it is retried) instead of blocking a reader forever.
   */
  <T> HttpResponse<T> send(Call call, HttpResponse.BodyHandler<T> handler) throws IOException {
    return withRetries(call, () -> sendAuthenticated(call, handler));
  }

  /** Sends {@code call} with a fixed Authorization header (or none), with retries. */
  HttpResponse<InputStream> sendOnceOrRetry(Call call, Optional<String> authorization)
      throws IOException {
    return withRetries(
        call, () -> sendOnce(call, authorization, HttpResponse.BodyHandlers.ofInputStream()));
  }

  private interface Exchange<T> {
    HttpResponse<T> run() throws IOException;
  }

  private <T> HttpResponse<T> withRetries(Call call, Exchange<T> exchange) throws IOException {
    IOException lastError = null;
    String lastStatus = "";
    for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
      if (attempt > 1) {
        sleep(
            lastError == null ? retryAfterOr(lastStatus, attempt - 1) : retry.backoff(attempt - 1));
      }
      try {
        HttpResponse<T> response = exchange.run();
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
          lastStatus = "HTTP " + status + retryAfterSuffix(response) + errorDetail(response);
          lastError = null;
          continue;
        }
        return response;
      } catch (RegistryException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        lastError = e;
        lastStatus = e.toString();
      }
    }
    throw new RegistryUnavailableException(
        call.what() + ": " + lastStatus + " (gave up after " + retry.maxAttempts() + " attempts)",
        lastError);
  }

  private <T> HttpResponse<T> sendAuthenticated(Call call, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    Optional<String> auth = authenticator.authorization(call, false);
    HttpResponse<T> response = sendOnce(call, auth, handler);
    if (response.statusCode() != 401 || call.registry() == null) {
      return response;
    }
    String header = response.headers().firstValue("WWW-Authenticate").orElse("");
    String detail = errorDetail(response);
    if (header.isEmpty()) {
      throw new RegistryUnauthorizedException(
          call.what() + ": 401 without a WWW-Authenticate challenge" + detail);
    }
    authenticator.challenged(call.registry(), AuthChallenge.parse(header));
    Optional<String> fresh = authenticator.authorization(call, true);
    if (fresh.isEmpty()) {
      throw new RegistryUnauthorizedException(
          call.what() + ": 401 and no credentials for " + call.registry() + detail);
    }
    response = sendOnce(call, fresh, handler);
    if (response.statusCode() == 401) {
      throw new RegistryUnauthorizedException(
          call.what()
              + ": 401 after authenticating"
              + authenticator.describe(call.registry())
              + errorDetail(response));
    }
    return response;
  }

  private <T> HttpResponse<T> sendOnce(
      Call call, Optional<String> authorization, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(call.uri())
            .timeout(requestTimeout)
            .method(
                call.method(),
                call.body() == null ? HttpRequest.BodyPublishers.noBody() : call.body().get());
    if ("http".equals(call.uri().getScheme())) {
      // No h2c upgrade dance on plain HTTP: registries do not speak it and it breaks bodies.
      b.version(HttpClient.Version.HTTP_1_1);
    }
    call.headers().forEach(b::header);
    authorization.ifPresent(a -> b.header("Authorization", a));
    CompletableFuture<HttpResponse<T>> future = http.sendAsync(b.build(), handler);
    try {
      return future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new HttpTimeoutException(
          call.what() + ": no complete response within " + requestTimeout);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new IOException(call.what() + ": " + io, io);
      }
      throw new IOException(call.what() + ": " + cause, cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      InterruptedIOException ie = new InterruptedIOException(call.what() + ": interrupted");
      ie.initCause(e);
      throw ie;
    }
  }

  private Duration retryAfterOr(String lastStatus, int attempt) {
    int idx = lastStatus.indexOf("retry-after=");
    if (idx >= 0) {
      String secs = lastStatus.substring(idx + "retry-after=".length()).split("[^0-9]", 2)[0];
      if (!secs.isEmpty()) {
        Duration d = Duration.ofSeconds(Long.parseLong(secs));
        return d.compareTo(retry.maxBackoff()) > 0 ? retry.maxBackoff() : d;
      }
    }
    return retry.backoff(attempt);
  }

  private static String retryAfterSuffix(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .filter(v -> v.trim().matches("[0-9]{1,6}"))
        .map(v -> " retry-after=" + v.trim())
        .orElse("");
  }

  private void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("registry retry backoff interrupted");
    }
  }

  /**
   * At most 2 KiB of an error body for a message ({@code ": body"} or empty); an open stream is
   * closed. Never throws.
   */
  static String errorDetail(HttpResponse<?> response) {
    byte[] b;
    if (response.body() instanceof byte[] bytes) {
      b = bytes.length > ERROR_BODY_LIMIT ? Arrays.copyOf(bytes, ERROR_BODY_LIMIT) : bytes;
    } else if (response.body() instanceof InputStream stream) {
      try (InputStream in = stream) {
        b = in.readNBytes(ERROR_BODY_LIMIT);
      } catch (IOException e) {
        return ": (error body unreadable: " + e.getMessage() + ")";
      }
    } else {
      return "";
    }
    String s = new String(b, StandardCharsets.UTF_8).strip();
    return s.isEmpty() ? "" : ": " + s;
  }

  /** Closes a response body whose content is not needed (a no-op for in-memory bodies). */
  static void discard(HttpResponse<?> response) {
    if (response.body() instanceof InputStream in) {
      try {
        in.close();
      } catch (IOException ignored) {
        // Closing an unread body only aborts the exchange; nothing to report.
      }
    }
  }
}
