package dev.thaw.snapshotter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ThawConfigTest {

  @TempDir Path tmp;

  @Test
  void parse_empty_allDefaults() throws Exception {
    assertEquals(ThawConfig.defaults(), ThawConfig.parse(""));
  }

  @Test
  void parse_everyKey_read() throws Exception {
    ThawConfig c =
        ThawConfig.parse(
            String.join(
                "\n",
                "root = \"/srv/thaw\"",
                "address = \"/run/t.sock\"",
                "log_level = \"debug\"",
                "metrics_address = \"\"",
                "grpc_threads = 4",
                "[cache]",
                "size = \"512MiB\"",
                "[fetch]",
                "concurrency = 3",
                "prefetch_timeout = \"1500ms\"",
                "background = false",
                "background_rate = \"1GiB\"",
                "[registry]",
                "insecure = [\"127.0.0.1:5001\"]",
                "docker_config = \"/etc/docker.json\"",
                "[profile]",
                "enabled = false",
                "window = \"2m\""));
    assertEquals(Path.of("/srv/thaw"), c.root());
    assertEquals(Path.of("/run/t.sock"), c.address());
    assertEquals("debug", c.logLevel());
    assertEquals("", c.metricsAddress());
    assertEquals(4, c.grpcThreads());
    assertEquals(512L << 20, c.cacheSizeBytes());
    assertEquals(3, c.fetchConcurrency());
    assertEquals(Duration.ofMillis(1500), c.prefetchTimeout());
    assertEquals(false, c.backgroundFetch());
    assertEquals(1L << 30, c.backgroundFetchBytesPerSecond());
    assertEquals(List.of("127.0.0.1:5001"), c.insecureRegistries());
    assertEquals(Path.of("/etc/docker.json"), c.dockerConfig());
    assertEquals(false, c.profileEnabled());
    assertEquals(Duration.ofMinutes(2), c.profileWindow());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "colour = 1|colour: unknown key",
        "cache = { siz = 1 }|cache.siz: unknown key",
        "cache = { size = \"lots\" }|cache.size",
        "fetch = { concurrency = 0 }|fetch.concurrency",
        "fetch = { prefetch_timeout = \"10\" }|fetch.prefetch_timeout",
        "fetch = { background = \"yes\" }|fetch.background",
        "log_level = \"loud\"|log_level",
        "root = \"\"|root: must not be empty",
        "root = 3|root: must be a string",
        "registry = { insecure = \"a\" }|registry.insecure",
        "cache = 3|cache: must be a table",
        "root = |not valid TOML",
        "profile = { window = \"0s\" }|profile.window: must be positive",
        "profile = { window = \"soon\" }|profile.window",
        "profile = { enabled = 1 }|profile.enabled: must be true or false",
        "profile = { windows = \"1s\" }|profile.windows: unknown key",
      })
  void parse_bad_refusedNamingKey(String toml, String expected) {
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ThawConfig.parse(toml));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void load_missingOptionalFile_defaults() throws Exception {
    assertEquals(ThawConfig.defaults(), ThawConfig.load(tmp.resolve("none.toml"), false));
  }

  @Test
  void load_missingRequiredFile_refused() {
    assertThrows(InvalidConfigException.class, () -> ThawConfig.load(tmp.resolve("none"), true));
  }

  @Test
  void load_badFile_messageNamesFileAndKey() throws Exception {
    Path f = Files.writeString(tmp.resolve("c.toml"), "[fetch]\nconcurrency = -1\n");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ThawConfig.load(f, true));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("fetch.concurrency"), e.getMessage());
  }

  @Test
  void withOverrides_nonNull_replace() {
    ThawConfig c = ThawConfig.defaults().withOverrides(Path.of("/r"), null, "warn");
    assertEquals(Path.of("/r"), c.root());
    assertEquals(ThawConfig.defaults().address(), c.address());
    assertEquals("warn", c.logLevel());
  }
}
