package dev.thaw.testimages.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ContainerdDaemonTest {
  private static final Path DIR = Path.of("/tmp/thaw-ctrd-1");

  @Test
  void config_withoutCri_disablesCriAndKeepsEverythingUnderDir() {
    String toml = ContainerdDaemon.config(DIR, DIR.resolve("containerd.sock"), "", false);
    assertTrue(toml.contains("root = \"/tmp/thaw-ctrd-1/root\""), toml);
    assertTrue(toml.contains("state = \"/tmp/thaw-ctrd-1/state\""), toml);
    assertTrue(toml.contains("address = \"/tmp/thaw-ctrd-1/containerd.sock\""), toml);
    assertTrue(disabledPlugins(toml).contains("\"io.containerd.grpc.v1.cri\""), toml);
    assertTrue(toml.contains("path = \"/tmp/thaw-ctrd-1/opt\""), toml);
  }

  @Test
  void config_withCriAndExtraToml_keepsCriAndAppendsToml() {
    String extra = "[proxy_plugins.thaw]\n  type = \"snapshot\"\n  address = \"/tmp/t.sock\"";
    String toml = ContainerdDaemon.config(DIR, DIR.resolve("containerd.sock"), extra, true);
    assertFalse(disabledPlugins(toml).contains("io.containerd.grpc.v1.cri"), toml);
    assertFalse(toml.contains("[plugins.\"io.containerd.grpc.v1.cri\".containerd]"), toml);
    assertTrue(toml.endsWith(extra + "\n"), toml);
  }

  @Test
  void config_withCriSnapshotter_unpacksWithItPassesAnnotationsAndKeepsCniUnderDir() {
    String toml =
        ContainerdDaemon.config(
            DIR, DIR.resolve("containerd.sock"), "", true, java.util.Optional.of("thaw"));
    assertFalse(disabledPlugins(toml).contains("io.containerd.grpc.v1.cri"), toml);
    assertTrue(
        toml.contains(
            "[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"thaw\"\n"
                + "  disable_snapshot_annotations = false\n"),
        toml);
    assertTrue(toml.contains("conf_dir = \"/tmp/thaw-ctrd-1/cni/conf\""), toml);
    assertTrue(toml.contains("bin_dir = \"/tmp/thaw-ctrd-1/cni/bin\""), toml);
    assertTrue(toml.contains("stream_server_address = \"127.0.0.1\""), toml);
  }

  @ParameterizedTest
  @CsvSource({
    "/run/a, /run/a",
    "/tmp/with\\040space, /tmp/with space",
    "/tmp/tab\\011x, /tmp/tab\tx",
    "/tmp/back\\134slash, /tmp/back\\slash",
  })
  void unescape_mountinfoField_decodesOctalEscapes(String field, String expected) {
    assertEquals(expected, Mounts.unescape(field));
  }

  private static String disabledPlugins(String toml) {
    return toml.lines().filter(l -> l.startsWith("disabled_plugins")).findFirst().orElseThrow();
  }
}
