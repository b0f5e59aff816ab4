package dev.thaw.indexer;

import static dev.thaw.testimages.TestLayers.dir;
import static dev.thaw.testimages.TestLayers.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.RegistryClient;
import dev.thaw.testimages.TestLayers;
import dev.thaw.testimages.registry.RegistryExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tracked launcher {@code bin/thaw-indexer} runs the packaged jar end to end. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BinLauncherIT {
  @RegisterExtension static final RegistryExtension registry = new RegistryExtension();

  private record Run(int exitCode, String out, String err) {}

  private static Run launcher(String... args) throws IOException, InterruptedException {
    Path bin = Path.of("..", "bin", "thaw-indexer").toAbsolutePath().normalize();
    assertTrue(Files.isExecutable(bin), bin + " is missing");
    List<String> command = new java.util.ArrayList<>(List.of(bin.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    var out = p.getInputStream();
    var err = p.getErrorStream();
    var errText = new java.util.concurrent.CompletableFuture<String>();
    Thread.ofVirtual()
        .start(() -> {
          try {
            errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
          } catch (IOException e) {
            errText.completeExceptionally(e);
          }
        });
    String outText = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(100, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/thaw-indexer timed out");
    }
    return new Run(p.exitValue(), outText, errText.join());
  }

  @Test
  void launcher_convertThenVerify_succeedsAndBadInputExitsOne() throws Exception {
    RegistryReference src = RegistryReference.parse(registry.host() + "/bin/src:v1");
    TestImage.of(List.of(TestLayers.tar(dir("etc/"), file("etc/hosts", "127.0.0.1 localhost\n"))))
        .push(RegistryClient.builder().build(), src);
    String dst = registry.host() + "/bin/dst:v1";

    Run convert = launcher("convert", src.toString(), dst);
    assertEquals(0, convert.exitCode(), convert.toString());
    assertTrue(convert.out().startsWith(dst + "@sha256:"), convert.toString());
    Run verify = launcher("verify", dst);
    assertEquals(0, verify.exitCode(), verify.toString());

    Run missing = launcher("inspect", registry.host() + "/bin/nothing:v1");
    assertEquals(1, missing.exitCode(), missing.toString());
    assertEquals(1, missing.err().strip().lines().count(), missing.toString());
    assertTrue(missing.err().startsWith("thaw-indexer inspect: image "), missing.toString());
  }
}
