package dev.thaw.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.thaw.testimages.registry.RegistryExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryExtensionIT {
  @RegisterExtension static final RegistryExtension registry = RegistryExtension.withBasicAuth();

  @Test
  void v2_withAndWithoutCredentials_401Then200() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI v2 = URI.create("http://" + registry.host() + "/v2/");
    HttpResponse<Void> anonymous =
        http.send(HttpRequest.newBuilder(v2).build(), HttpResponse.BodyHandlers.discarding());
    assertEquals(401, anonymous.statusCode());
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (RegistryExtension.USERNAME + ":" + RegistryExtension.PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
    HttpResponse<Void> authed =
        http.send(
            HttpRequest.newBuilder(v2).header("Authorization", "Basic " + basic).build(),
            HttpResponse.BodyHandlers.discarding());
    assertEquals(200, authed.statusCode(), registry.logTail());
  }
}
