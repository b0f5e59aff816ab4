package dev.thaw.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Produces {@code Authorization} headers: remembers each registry's challenge (so later requests
 * authenticate up front), Basic from the credential store, Bearer tokens from the challenge's realm
 * per scope, cached until shortly before they expire.
 *
 * <p>Thread-safe. Two threads may fetch the same token at once; the later one wins, harmlessly.
 */
final class Authenticator {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private record Token(String value, Instant expires) {}

  private final RegistryTransport transport;
  private final CredentialStore credentials;
  private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  Authenticator(RegistryTransport transport, CredentialStore credentials) {
    this.transport = transport;
    this.credentials = credentials;
  }

  void challenged(String registry, AuthChallenge challenge) {
    challenges.put(registry, challenge);
  }

  String describe(String registry) {
    Optional<Credentials> c = credentials.lookup(registry);
    return c.map(cr -> " as " + cr.username()).orElse(" anonymously");
  }

  /**
   * The header for {@code call}, if its registry has challenged before. {@code refresh} ignores a
   * cached token (after a 401 with it).
   */
  Optional<String> authorization(RegistryTransport.Call call, boolean refresh) throws IOException {
    if (call.registry() == null) {
      return Optional.empty();
    }
    AuthChallenge challenge = challenges.get(call.registry());
    if (challenge == null) {
      return Optional.empty();
    }
    Optional<Credentials> creds = credentials.lookup(call.registry());
    if (challenge.isBasic()) {
      return creds.map(Authenticator::basic);
    }
    if (!challenge.isBearer()) {
      throw new RegistryUnauthorizedException(
          call.what() + ": unsupported auth scheme '" + challenge.scheme() + "'");
    }
    String scope = call.scope() != null ? call.scope() : challenge.param("scope").orElse("");
    String key = call.registry() + " " + scope;
    Token cached = tokens.get(key);
    if (!refresh && cached != null && Instant.now().isBefore(cached.expires())) {
      return Optional.of("Bearer " + cached.value());
    }
    Token token = fetchToken(call, challenge, scope, creds);
    tokens.put(key, token);
    return Optional.of("Bearer " + token.value());
  }

  private Token fetchToken(
      RegistryTransport.Call call,
      AuthChallenge challenge,
      String scope,
      Optional<Credentials> creds)
      throws IOException {
    String realm =
        challenge
            .param("realm")
            .orElseThrow(() ->
                new RegistryUnauthorizedException(
                    call.what() + ": Bearer challenge without realm"));
    StringBuilder query = new StringBuilder();
    challenge.param("service").ifPresent(s -> query.append("service=").append(encode(s)));
    for (String s : scope.split(" ")) {
      if (!s.isEmpty()) {
        query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(s));
      }
    }
    URI uri =
        URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query));
    String what = "get token for " + scope + " from " + realm + " (" + call.what() + ")";
    RegistryTransport.Call tokenCall =
        new RegistryTransport.Call(
            "GET", uri, Map.of("Accept", "application/json"), null, null, null, what);
    HttpResponse<InputStream> response =
        transport.sendOnceOrRetry(tokenCall, creds.map(Authenticator::basic));
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new RegistryUnauthorizedException(
          what
              + ": HTTP "
              + status
              + describe(call.registry())
              + RegistryTransport.errorDetail(response));
    }
    if (status != 200) {
      throw new RegistryProtocolException(
          what + ": HTTP " + status + RegistryTransport.errorDetail(response));
    }
    JsonNode json;
    try (InputStream in = response.body()) {
      json = MAPPER.readTree(in.readNBytes(1 << 20));
    }
    String token = json.path("token").asText("");
    if (token.isEmpty()) {
      token = json.path("access_token").asText("");
    }
    if (token.isEmpty()) {
      throw new RegistryProtocolException(what + ": response has no token");
    }
    long expiresIn = Math.max(json.path("expires_in").asLong(60), 10);
    return new Token(token, Instant.now().plusSeconds(expiresIn - 5));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String basic(Credentials c) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
  }
}
