package dev.thaw.indexer;

import static dev.thaw.testimages.TestLayers.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.DockerConfigCredentials;
import dev.thaw.image.registry.ManifestNotFoundException;
import dev.thaw.image.registry.RegistryClient;
import dev.thaw.testimages.TestLayers;
import dev.thaw.testimages.registry.RegistryExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A registry with htpasswd auth: no credentials means 401, one line, nothing pushed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConvertAuthIT {
  @RegisterExtension static final RegistryExtension registry = RegistryExtension.withBasicAuth();

  @TempDir Path tmp;

  @Test
  void convert_withoutCredentials_failsUnauthorizedAndPushesNothing() throws Exception {
    Path config = registry.writeDockerConfig(tmp.resolve("config.json"));
    RegistryClient authed =
        RegistryClient.builder().credentials(DockerConfigCredentials.load(config)).build();
    RegistryReference src = RegistryReference.parse(registry.host() + "/private/app:v1");
    TestImage.of(List.of(TestLayers.tar(file("a", "b")))).push(authed, src);
    RegistryReference dst = RegistryReference.parse(registry.host() + "/private/out:v1");

    Cli cli = Cli.run("convert", src.toString(), dst.toString());

    assertEquals(1, cli.exitCode(), cli.toString());
    String line = cli.errorLine();
    assertTrue(line.startsWith("thaw-indexer convert: image " + src), cli.toString());
    assertTrue(line.contains("401") || line.toLowerCase().contains("unauthorized"), line);
    assertFalse(cli.err().contains("\tat "), cli.toString());
    assertThrows(ManifestNotFoundException.class, () -> authed.fetchManifest(dst));
  }
}
