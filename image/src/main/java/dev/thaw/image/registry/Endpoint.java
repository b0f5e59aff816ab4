package dev.thaw.image.registry;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where pull requests for a registry go: the registry itself, or a mirror of it. Requests to a
 * mirror carry {@code ns=<registry>} (as containerd sends them, so pull-through caches know the
 * upstream). Credentials and auth challenges are keyed by {@code authKey}, the endpoint's {@code
 * host[:port]}.
 *
 * <p>Immutable.
 *
 * @param base scheme, authority and optional path prefix, no trailing slash
 * @param authKey the {@code host[:port]} credentials are looked up by
 * @param namespace the upstream registry, for a mirror's {@code ns} parameter; empty for upstream
 */
record Endpoint(URI base, String authKey, String namespace) {
  /** The upstream registry's own endpoint. */
  static Endpoint upstream(URI base, String registry) {
    return new Endpoint(base, registry, "");
  }

  /** A mirror of {@code registry} at {@code base}. */
  static Endpoint mirror(URI base, String registry) {
    String text = base.toString();
    URI trimmed = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    return new Endpoint(trimmed, trimmed.getRawAuthority(), registry);
  }

  boolean isMirror() {
    return !namespace.isEmpty();
  }

  /** {@code path} (starting with {@code /v2/}) on this endpoint, with {@code ns} for a mirror. */
  URI uri(String path) {
    String query = "";
    if (isMirror()) {
      query =
          (path.contains("?") ? "&" : "?")
              + "ns="
              + URLEncoder.encode(namespace, StandardCharsets.UTF_8);
    }
    return URI.create(base + path + query);
  }

  @Override
  public String toString() {
    return isMirror() ? "mirror " + base + " of " + namespace : base.toString();
  }
}
