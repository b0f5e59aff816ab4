package dev.thaw.snapshotter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The daemon's configuration, from {@code /etc/thaw/config.toml}; every key has a default.
 * Immutable.
 *
 * <pre>
 * root = "/var/lib/thaw"                 # snapshots, metadata, chunk cache
 * address = "/run/thaw/thaw.sock"        # gRPC Unix socket for containerd
 * log_level = "info"                     # error | warn | info | debug
 * metrics_address = "127.0.0.1:9109"     # Prometheus HTTP; "" = off
 * grpc_threads = 16                      # gRPC calls served at once
 * [cache]
 * size = "10GiB"                         # chunk cache bound
 * [fetch]
 * concurrency = 8                        # parallel range requests per node
 * prefetch_timeout = "10s"               # how long a mount waits for its prefetch's head
 * background = true                      # stream the rest of each layer behind
 * background_rate = "64MiB"              # bytes per second for background fetches
 * [registry]
 * insecure = []                          # hosts reached over plain HTTP
 * docker_config = "/root/.docker/config.json"
 * [profile]
 * enabled = true                         # record which files containers open at start-up
 * window = "60s"                         # recorded from an image's first file access on
 * </pre>
 *
 * @param root state directory
 * @param address gRPC socket path
 * @param logLevel one of error, warn, info, debug
 * @param metricsAddress {@code host:port} for Prometheus, empty for off
 * @param grpcThreads gRPC executor size
 * @param cacheSizeBytes chunk cache bound in bytes
 * @param fetchConcurrency parallel range requests
 * @param prefetchTimeout how long a mount (containerd's Prepare) waits at most for the head of its
 *     layer's prefetch: the first run (8 MiB) of the prioritized region, what the container reads
 *     first; the rest of the region streams in behind without holding the pull
 * @param backgroundFetch whether layers stream in behind
 * @param backgroundFetchBytesPerSecond background rate limit
 * @param insecureRegistries hosts reached over plain HTTP (copied)
 * @param dockerConfig credentials file
 * @param profileEnabled whether start-up access profiles are recorded
 * @param profileWindow how long after an image's first file access its profile records
 */
public record ThawConfig(
    Path root,
    Path address,
    String logLevel,
    String metricsAddress,
    int grpcThreads,
    long cacheSizeBytes,
    int fetchConcurrency,
    Duration prefetchTimeout,
    boolean backgroundFetch,
    long backgroundFetchBytesPerSecond,
    List<String> insecureRegistries,
    Path dockerConfig,
    boolean profileEnabled,
    Duration profileWindow) {

  /** Where the daemon looks for its configuration by default. */
  public static final Path DEFAULT_FILE = Path.of("/etc/thaw/config.toml");

  private static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug");
  private static final Map<String, Set<String>> KEYS =
      Map.of(
          "",
          Set.of(
              "root",
              "address",
              "log_level",
              "metrics_address",
              "grpc_threads",
              "cache",
              "fetch",
              "registry",
              "profile"),
          "cache",
          Set.of("size"),
          "fetch",
          Set.of("concurrency", "prefetch_timeout", "background", "background_rate"),
          "registry",
          Set.of("insecure", "docker_config"),
          "profile",
          Set.of("enabled", "window"));

  /** Validates and copies. */
  public ThawConfig {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(metricsAddress, "metricsAddress");
    Objects.requireNonNull(prefetchTimeout, "prefetchTimeout");
    Objects.requireNonNull(dockerConfig, "dockerConfig");
    Objects.requireNonNull(profileWindow, "profileWindow");
    if (profileWindow.isZero() || profileWindow.isNegative()) {
      throw new IllegalArgumentException(
          "profile.window: must be positive, got " + profileWindow.toMillis() + "ms");
    }
    insecureRegistries = List.copyOf(insecureRegistries);
    if (!LOG_LEVELS.contains(logLevel)) {
      throw new IllegalArgumentException(
          "log_level: \"" + logLevel + "\" is not one of " + LOG_LEVELS);
    }
  }

  /** Every key at its default. */
  public static ThawConfig defaults() {
    return new ThawConfig(
        Path.of("/var/lib/thaw"),
        Path.of("/run/thaw/thaw.sock"),
        "info",
        "127.0.0.1:9109",
        16,
        10L << 30,
        8,
        Duration.ofSeconds(10),
        true,
        64L << 20,
        List.of(),
        Path.of("/root/.docker/config.json"),
        true,
        Duration.ofSeconds(60));
  }

  /**
   * Reads {@code file}; a missing file means all defaults when {@code required} is false.
   *
   * @throws InvalidConfigException naming the file, the key and the reason
   */
  public static ThawConfig load(Path file, boolean required) throws InvalidConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      if (required) {
        throw new InvalidConfigException("read config " + file + ": no such file", e);
      }
      return defaults();
    } catch (IOException e) {
      throw new InvalidConfigException("read config " + file + ": " + e.getMessage(), e);
    }
    try {
      return parse(text);
    } catch (InvalidConfigException e) {
      throw new InvalidConfigException("config " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses TOML text over the defaults. */
  public static ThawConfig parse(String toml) throws InvalidConfigException {
    JsonNode tree;
    try {
      tree = new TomlMapper().readTree(toml);
    } catch (IOException e) {
      throw new InvalidConfigException("not valid TOML: " + e.getMessage(), e);
    }
    checkKeys(tree);
    ThawConfig d = defaults();
    Reader r = new Reader(tree);
    try {
      return new ThawConfig(
          Path.of(r.string("root", d.root().toString(), true)),
          Path.of(r.string("address", d.address().toString(), true)),
          r.string("log_level", d.logLevel(), true),
          r.string("metrics_address", d.metricsAddress(), false),
          r.positiveInt("grpc_threads", d.grpcThreads()),
          ConfigValues.size("cache.size", r.string("cache.size", "10GiB", true)),
          r.positiveInt("fetch.concurrency", d.fetchConcurrency()),
          ConfigValues.duration(
              "fetch.prefetch_timeout", r.string("fetch.prefetch_timeout", "10s", true)),
          r.bool("fetch.background", d.backgroundFetch()),
          ConfigValues.size(
              "fetch.background_rate", r.string("fetch.background_rate", "64MiB", true)),
          r.strings("registry.insecure"),
          Path.of(r.string("registry.docker_config", d.dockerConfig().toString(), true)),
          r.bool("profile.enabled", d.profileEnabled()),
          ConfigValues.duration("profile.window", r.string("profile.window", "60s", true)));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
  }

  /** A copy with the command line's overrides (null = keep). */
  public ThawConfig withOverrides(Path newRoot, Path newAddress, String newLogLevel) {
    return new ThawConfig(
        newRoot == null ? root : newRoot,
        newAddress == null ? address : newAddress,
        newLogLevel == null ? logLevel : newLogLevel,
        metricsAddress,
        grpcThreads,
        cacheSizeBytes,
        fetchConcurrency,
        prefetchTimeout,
        backgroundFetch,
        backgroundFetchBytesPerSecond,
        insecureRegistries,
        dockerConfig,
        profileEnabled,
        profileWindow);
  }

  private static void checkKeys(JsonNode tree) throws InvalidConfigException {
    for (Map.Entry<String, Set<String>> table : KEYS.entrySet()) {
      JsonNode node = table.getKey().isEmpty() ? tree : tree.get(table.getKey());
      if (node == null) {
        continue;
      }
      if (!node.isObject()) {
        throw new InvalidConfigException(table.getKey() + ": must be a table");
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!table.getValue().contains(name)) {
          String full = table.getKey().isEmpty() ? name : table.getKey() + "." + name;
          throw new InvalidConfigException(full + ": unknown key");
        }
      }
    }
  }

  /** Typed access to dotted keys of the parsed tree. Confined to one thread. */
  private record Reader(JsonNode tree) {

    private JsonNode node(String key) {
      JsonNode n = tree;
      for (String part : key.split("\\.")) {
        n = n == null ? null : n.get(part);
      }
      return n;
    }

    String string(String key, String fallback, boolean nonEmpty) throws InvalidConfigException {
      JsonNode n = node(key);
      if (n == null) {
        return fallback;
      }
      if (!n.isTextual()) {
        throw new InvalidConfigException(key + ": must be a string, got " + n);
      }
      if (nonEmpty && n.asText().isBlank()) {
        throw new InvalidConfigException(key + ": must not be empty");
      }
      return n.asText();
    }

    int positiveInt(String key, int fallback) throws InvalidConfigException {
      JsonNode n = node(key);
      if (n == null) {
        return fallback;
      }
      if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > 4096) {
        throw new InvalidConfigException(key + ": must be an integer from 1 to 4096, got " + n);
      }
      return n.asInt();
    }

    boolean bool(String key, boolean fallback) throws InvalidConfigException {
      JsonNode n = node(key);
      if (n == null) {
        return fallback;
      }
      if (!n.isBoolean()) {
        throw new InvalidConfigException(key + ": must be true or false, got " + n);
      }
      return n.asBoolean();
    }

    List<String> strings(String key) throws InvalidConfigException {
      JsonNode n = node(key);
      List<String> out = new ArrayList<>();
      if (n == null) {
        return out;
      }
      if (!n.isArray()) {
        throw new InvalidConfigException(key + ": must be an array of strings, got " + n);
      }
      for (JsonNode e : n) {
        if (!e.isTextual() || e.asText().isBlank()) {
          throw new InvalidConfigException(
              key + ": must be an array of non-empty strings, got " + n);
        }
        out.add(e.asText());
      }
      return out;
    }
  }
}
