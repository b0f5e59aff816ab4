package dev.thaw.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.testimages.registry.RegistryExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryClientAuthIT {
  @RegisterExtension static final RegistryExtension registry = RegistryExtension.withBasicAuth();

  @TempDir Path tmp;

  @Test
  void pushAndRead_dockerConfigBasicAuth_works() throws Exception {
    Path config = registry.writeDockerConfig(tmp.resolve("config.json"));
    RegistryClient client =
        RegistryClient.builder().credentials(DockerConfigCredentials.load(config)).build();
    RegistryReference ref = RegistryReference.parse(registry.host() + "/secure/app:v1");
    byte[] blob = "hello, basic auth".getBytes(StandardCharsets.UTF_8);
    Descriptor d = Descriptor.ofContent(MediaTypes.OCI_LAYER_GZIP, blob);
    assertTrue(client.pushBlob(ref, d, BlobContent.ofBytes(blob)));
    assertArrayEquals(
        "basic".getBytes(StandardCharsets.UTF_8), client.blobSource(ref, d).read(7, 5));
  }

  @Test
  void read_anonymous_throwsUnauthorized() throws Exception {
    RegistryClient client = RegistryClient.builder().build();
    RegistryReference ref = RegistryReference.parse(registry.host() + "/secure/app:v1");
    RegistryUnauthorizedException e =
        assertThrows(RegistryUnauthorizedException.class, () -> client.fetchManifest(ref));
    assertTrue(e.getMessage().contains("no credentials for " + registry.host()), e.getMessage());
  }

  @Test
  void read_wrongPassword_throwsUnauthorized() throws Exception {
    Path config = tmp.resolve("bad.json");
    Files.writeString(
        config,
        "{\"auths\":{\"" + registry.host() + "\":{\"username\":\"thaw\",\"password\":\"wrong\"}}}");
    RegistryClient client =
        RegistryClient.builder().credentials(DockerConfigCredentials.load(config)).build();
    RegistryReference ref = RegistryReference.parse(registry.host() + "/secure/app:v1");
    RegistryUnauthorizedException e =
        assertThrows(RegistryUnauthorizedException.class, () -> client.fetchManifest(ref));
    assertTrue(e.getMessage().contains("as thaw"), e.getMessage());
  }
}
