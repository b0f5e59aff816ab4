package dev.thaw.snapshotter.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CriClientTest {
  @TempDir Path dir;

  @Test
  void pullImage_socketWithoutListener_failsAsNotReachable() throws Exception {
    // A socket file nobody listens on: what a crashed containerd leaves behind.
    Path socket = dir.resolve("containerd.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
    }
    try (CriClient cri = CriClient.connect(socket)) {
      CriCallException e =
          assertThrows(
              CriCallException.class,
              () -> cri.pullImage("127.0.0.1:5000/a:1", Optional.empty(), Duration.ofSeconds(10)));
      assertEquals("UNAVAILABLE", e.code());
      assertTrue(
          e.getMessage()
              .startsWith(
                  "pull 127.0.0.1:5000/a:1 through containerd's CRI at "
                      + socket
                      + ": containerd not reachable ("),
          e.getMessage());
    }
  }
}
