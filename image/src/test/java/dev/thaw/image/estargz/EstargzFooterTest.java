package dev.thaw.image.estargz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.toc.TocFormatException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EstargzFooterTest {

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 4096, 0xdeadbeefL, 1L << 40})
  void parse_encoded_returnsOffset(long offset) throws Exception {
    byte[] f = EstargzFooter.encode(offset);
    assertEquals(51, f.length);
    assertEquals(new EstargzFooter.Parsed(offset, 51), EstargzFooter.parse(f, offset + 1000, "l"));
  }

  @Test
  void encode_isAnEmptyValidGzipMember() throws Exception {
    try (GZIPInputStream in =
        new GZIPInputStream(new ByteArrayInputStream(EstargzFooter.encode(77)))) {
      assertEquals(0, in.readAllBytes().length);
    }
  }

  @Test
  void parse_legacy47ByteFooter_accepted() throws Exception {
    byte[] f = new byte[47];
    byte[] head = {0x1f, (byte) 0x8b, 8, 4, 0, 0, 0, 0, 0, (byte) 0xff, 22, 0};
    System.arraycopy(head, 0, f, 0, head.length);
    byte[] extra = "00000000000012abSTARGZ".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(extra, 0, f, 12, extra.length);
    byte[] tail = {1, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0};
    System.arraycopy(tail, 0, f, 34, tail.length);
    assertEquals(new EstargzFooter.Parsed(0x12ab, 47), EstargzFooter.parse(f, 100_000, "l"));
  }

  @Test
  void parse_externalTocFooter_notSupported() {
    byte[] f = new byte[51];
    byte[] magic = "STARGZEXTERNALTOC".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, f, 20, magic.length);
    TocFormatException e =
        assertThrows(TocFormatException.class, () -> EstargzFooter.parse(f, 1000, "layer-e"));
    assertTrue(e.getMessage().contains("not supported"), e.getMessage());
    assertTrue(e.getMessage().contains("layer-e"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3, 12, 14, 16, 31, 32, 37})
  void parse_corruptedByte_throwsTocFormatException(int at) {
    byte[] f = EstargzFooter.encode(4096);
    f[at] = (byte) (at == 16 || at == 31 ? 'z' : 0x7f);
    assertThrows(TocFormatException.class, () -> EstargzFooter.parse(f, 10_000, "l"));
  }

  @Test
  void parse_offsetPastBlob_throwsTocFormatException() {
    byte[] f = EstargzFooter.encode(5000);
    assertThrows(TocFormatException.class, () -> EstargzFooter.parse(f, 5000, "l"));
    assertThrows(
        TocFormatException.class, () -> EstargzFooter.parse(Arrays.copyOf(f, 20), 5000, "l"));
  }
}
