package dev.thaw.image.estargz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GzipMemberCompressorTest {
  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] text(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + (i * 7 + i / 13) % 26);
    }
    return b;
  }

  private static byte[] gunzip(byte[] member) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(member))) {
      return in.readAllBytes();
    }
  }

  @Test
  void compress_incompressibleMember_storesItAsValidGzip() throws IOException {
    GzipMemberCompressor c = new GzipMemberCompressor(9);
    byte[] data = random(1 << 20, 1);
    assertTrue(c.storesUncompressed(data, data.length));
    byte[] member = c.compress(data, data.length);
    assertTrue(member.length < data.length + 200, "stored member overhead: " + member.length);
    assertArrayEquals(data, gunzip(member));
  }

  @Test
  void compress_compressibleMember_compresses() throws IOException {
    GzipMemberCompressor c = new GzipMemberCompressor(9);
    byte[] data = text(1 << 20);
    assertFalse(c.storesUncompressed(data, data.length));
    byte[] member = c.compress(data, data.length);
    assertTrue(member.length < data.length / 10, "compressed size " + member.length);
    assertArrayEquals(data, gunzip(member));
  }

  @Test
  void compress_smallIncompressibleMember_isNotTrialled() throws IOException {
    GzipMemberCompressor c = new GzipMemberCompressor(9);
    byte[] data = random(GzipMemberCompressor.TRIAL_BYTES, 2);
    assertFalse(c.storesUncompressed(data, data.length));
    assertArrayEquals(data, gunzip(c.compress(data, data.length)));
  }

  @Test
  void compress_prefixLengthOfLargerBuffer_compressesOnlyThePrefix() throws IOException {
    GzipMemberCompressor c = new GzipMemberCompressor(6);
    byte[] data = random(300_000, 3);
    int length = 200_000;
    assertArrayEquals(Arrays.copyOf(data, length), gunzip(c.compress(data, length)));
  }

  @Test
  void compress_sameInputTwice_sameBytes() {
    GzipMemberCompressor c = new GzipMemberCompressor(9);
    byte[] data = random(200_000, 4);
    assertArrayEquals(c.compress(data, data.length), c.compress(data, data.length));
  }
}
