package dev.thaw.image.zstdchunked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.thaw.image.toc.TocFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ZstdChunkedFooterTest {
  @Test
  void parse_encoded_roundTrips() throws Exception {
    byte[] f = ZstdChunkedFooter.encode(1000, 200, 900);
    assertEquals(72, f.length);
    assertEquals(
        new ZstdChunkedFooter.Parsed(1000, 200, 900, 72), ZstdChunkedFooter.parse(f, 1300, "l"));
  }

  @Test
  void parse_legacy40BytePayload_accepted() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x50, 0x2a, 0x4d, 0x18}).putInt(40);
    b.putLong(500).putLong(100).putLong(400).putLong(1);
    b.put("GnUlInUx".getBytes(StandardCharsets.US_ASCII));
    assertEquals(
        new ZstdChunkedFooter.Parsed(500, 100, 400, 48),
        ZstdChunkedFooter.parse(b.array(), 700, "l"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4, 8, 16, 32, 64})
  void parse_corruptedField_throwsTocFormatException(int at) {
    byte[] f = ZstdChunkedFooter.encode(1000, 200, 900);
    f[at] = (byte) 0xee;
    f[at + 1] = (byte) 0x7f;
    assertThrows(TocFormatException.class, () -> ZstdChunkedFooter.parse(f, 1300, "l"));
  }

  @Test
  void parse_tocPastBlobEnd_throwsTocFormatException() {
    byte[] f = ZstdChunkedFooter.encode(1000, 200, 900);
    assertThrows(TocFormatException.class, () -> ZstdChunkedFooter.parse(f, 1100, "l"));
  }
}
