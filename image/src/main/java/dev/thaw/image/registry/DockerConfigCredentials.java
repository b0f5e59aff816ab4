package dev.thaw.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from a docker {@code config.json}: {@code auths.<host>.auth} (base64 of {@code
 * user:password}), or {@code username}/{@code password}, or {@code identitytoken}. Keys may be bare
 * hosts or URLs ({@code https://index.docker.io/v1/} for Docker Hub). Credential helpers are not
 * run.
 *
 * <p>Immutable after loading; thread-safe.
 */
public final class DockerConfigCredentials implements CredentialStore {
  private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
  private final Map<String, Credentials> byHost;

  private DockerConfigCredentials(Map<String, Credentials> byHost) {
    this.byHost = Map.copyOf(byHost);
  }

  /**
   * Loads {@code configJson}; a missing file gives an empty store.
   *
   * @throws IOException if the file exists but cannot be read or parsed; the message names it
   */
  public static DockerConfigCredentials load(Path configJson) throws IOException {
    if (!Files.exists(configJson)) {
      return new DockerConfigCredentials(Map.of());
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(configJson));
    } catch (IOException e) {
      throw new IOException("read docker config " + configJson + ": " + e.getMessage(), e);
    }
    Map<String, Credentials> map = new HashMap<>();
    if (root != null) {
      for (Map.Entry<String, JsonNode> e : root.path("auths").properties()) {
        Optional<Credentials> c = parseEntry(e.getValue(), configJson, e.getKey());
        if (c.isPresent()) {
          map.put(normalizeKey(e.getKey()), c.get());
        }
      }
    }
    return new DockerConfigCredentials(map);
  }

  private static Optional<Credentials> parseEntry(JsonNode entry, Path file, String key)
      throws IOException {
    String auth = entry.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "read docker config " + file + ": auths." + key + ".auth is not base64", e);
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IOException(
            "read docker config " + file + ": auths." + key + ".auth is not user:password");
      }
      return Optional.of(
          new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }
    String token = entry.path("identitytoken").asText("");
    if (!token.isEmpty()) {
      return Optional.of(new Credentials("<token>", token));
    }
    if (entry.has("username") && entry.has("password")) {
      return Optional.of(
          new Credentials(entry.path("username").asText(), entry.path("password").asText()));
    }
    return Optional.empty();
  }

  /** {@code https://host:port/v1/} and {@code host:port} both become {@code host:port}. */
  private static String normalizeKey(String key) {
    if (key.equals(DOCKER_HUB_KEY)) {
      return "docker.io";
    }
    String k = key;
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    return slash >= 0 ? k.substring(0, slash) : k;
  }

  @Override
  public Optional<Credentials> lookup(String registry) {
    Credentials c = byHost.get(registry);
    if (c == null
        && (registry.equals("registry-1.docker.io") || registry.equals("index.docker.io"))) {
      c = byHost.get("docker.io");
    }
    return Optional.ofNullable(c);
  }
}
