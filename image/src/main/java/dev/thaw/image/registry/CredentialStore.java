package dev.thaw.image.registry;

import java.util.Map;
import java.util.Optional;

/** Looks up credentials by registry host ({@code host[:port]}). Implementations are thread-safe. */
public interface CredentialStore {
  /** The credentials for {@code registry}, if any. */
  Optional<Credentials> lookup(String registry);

  /** A store with no credentials: anonymous access only. */
  static CredentialStore anonymous() {
    return registry -> Optional.empty();
  }

  /** A fixed map from registry host to credentials. */
  static CredentialStore of(Map<String, Credentials> byRegistry) {
    Map<String, Credentials> copy = Map.copyOf(byRegistry);
    return registry -> Optional.ofNullable(copy.get(registry));
  }
}
