package dev.thaw.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OneLineMessagesTest {
  @Test
  void of_causeChain_joinsOuterToInner() {
    IOException e =
        new IOException(
            "image r/x:1",
            new IOException("layer sha256:ab", new IOException("entry 'a/../b': bad")));
    assertEquals("image r/x:1: layer sha256:ab: entry 'a/../b': bad", OneLineMessages.of(e));
  }

  @Test
  void of_repeatedAndMultilineMessages_isOneLineWithoutRepeats() {
    IOException inner = new IOException("boom\nsecond line");
    IOException outer = new IOException("fetch x: boom\nsecond line", inner);
    assertEquals("fetch x: boom second line", OneLineMessages.of(outer));
  }

  @Test
  void of_bareConnectException_saysConnectionRefused() {
    IOException e = new IOException("GET http://127.0.0.1:1/v2/", new ConnectException());
    assertEquals(
        "GET http://127.0.0.1:1/v2/: connection refused", OneLineMessages.of(new IOException(e)));
  }
}
