package dev.thaw.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DockerConfigCredentialsTest {
  @TempDir Path tmp;

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void load_authFormsAndKeys_normalized() throws Exception {
    Path config = tmp.resolve("config.json");
    Files.writeString(
        config,
        """
        {"auths": {
          "https://index.docker.io/v1/": {"auth": "%s"},
          "https://reg.example:5443/v2/": {"auth": "%s"},
          "plain.example": {"username": "u3", "password": "p3"},
          "token.example": {"identitytoken": "tok"},
          "empty.example": {}
        }, "credsStore": "desktop"}
        """
            .formatted(b64("hub:secret:with:colons"), b64("u2:p2")));
    DockerConfigCredentials store = DockerConfigCredentials.load(config);
    assertEquals(
        Optional.of(new Credentials("hub", "secret:with:colons")), store.lookup("docker.io"));
    assertEquals(store.lookup("docker.io"), store.lookup("registry-1.docker.io"));
    assertEquals(Optional.of(new Credentials("u2", "p2")), store.lookup("reg.example:5443"));
    assertEquals(Optional.of(new Credentials("u3", "p3")), store.lookup("plain.example"));
    assertEquals(Optional.of(new Credentials("<token>", "tok")), store.lookup("token.example"));
    assertFalse(store.lookup("empty.example").isPresent());
    assertFalse(store.toString().contains("secret"));
    assertFalse(store.lookup("docker.io").orElseThrow().toString().contains("secret"));
  }

  @Test
  void load_missingFile_empty() throws Exception {
    assertTrue(DockerConfigCredentials.load(tmp.resolve("nope.json")).lookup("x").isEmpty());
  }

  @Test
  void load_badBase64_throwsNamingFile() throws Exception {
    Path config = tmp.resolve("config.json");
    Files.writeString(config, "{\"auths\":{\"h\":{\"auth\":\"***\"}}}");
    Exception e =
        assertThrows(java.io.IOException.class, () -> DockerConfigCredentials.load(config));
    assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
  }

  @Test
  void backoff_attempts_growWithinCap() {
    RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000));
    for (int i = 0; i < 50; i++) {
      long first = p.backoff(1).toMillis();
      assertTrue(first >= 50 && first <= 100, "first " + first);
      long late = p.backoff(9).toMillis();
      assertTrue(late >= 500 && late <= 1000, "late " + late);
    }
  }
}
