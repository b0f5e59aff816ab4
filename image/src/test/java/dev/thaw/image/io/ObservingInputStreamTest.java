package dev.thaw.image.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ObservingInputStreamTest {
  private static final byte[] DATA = new byte[200_000];

  static {
    for (int i = 0; i < DATA.length; i++) {
      DATA[i] = (byte) (i * 31);
    }
  }

  @Test
  void digesting_readSkipAndSingleBytes_countsHashesAndReportsAll() throws IOException {
    AtomicLong reported = new AtomicLong();
    DigestingInputStream in =
        new DigestingInputStream(new ByteArrayInputStream(DATA), reported::addAndGet, true);
    assertEquals(DATA[0] & 0xff, in.read());
    assertEquals(100_000, in.skip(100_000));
    in.readAllBytes();
    assertEquals(-1, in.read());
    assertEquals(DATA.length, in.count());
    assertEquals(DATA.length, reported.get());
    assertEquals(Digest.sha256(DATA), in.digest().orElseThrow());
  }

  @Test
  void digesting_withoutHash_countsOnly() throws IOException {
    DigestingInputStream in =
        new DigestingInputStream(new ByteArrayInputStream(DATA), n -> {}, false);
    in.transferTo(OutputStreamSink.INSTANCE);
    assertEquals(DATA.length, in.count());
    assertTrue(in.digest().isEmpty());
  }

  @Test
  void ended_calledOnceAtEndAndItsExceptionFailsTheRead() {
    AtomicInteger calls = new AtomicInteger();
    InputStream in =
        new DigestingInputStream(new ByteArrayInputStream(DATA)) {
          @Override
          protected void ended() throws IOException {
            if (calls.incrementAndGet() == 1) {
              throw new IOException("bad end");
            }
          }
        };
    IOException e = assertThrows(IOException.class, in::readAllBytes);
    assertEquals("bad end", e.getMessage());
    assertFalse(in.markSupported());
  }

  @Test
  void tee_readAndSkip_copiesEveryByte() throws IOException {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    try (TeeInputStream in = new TeeInputStream(new ByteArrayInputStream(DATA), copy)) {
      in.read();
      in.skip(50_000);
      in.readAllBytes();
    }
    assertArrayEquals(DATA, copy.toByteArray());
  }

  @Test
  void teeToFile_close_flushesAndClosesTheFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("copy");
    try (InputStream in = TeeInputStream.toFile(new ByteArrayInputStream(DATA), file)) {
      in.transferTo(OutputStreamSink.INSTANCE);
    }
    assertArrayEquals(DATA, Files.readAllBytes(file));
  }

  /** Discards what is written. */
  private static final class OutputStreamSink {
    static final java.io.OutputStream INSTANCE = java.io.OutputStream.nullOutputStream();

    private OutputStreamSink() {}
  }
}
