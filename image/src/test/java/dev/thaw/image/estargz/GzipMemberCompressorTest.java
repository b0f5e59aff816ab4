package dev.thaw.image.estargz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GzipMemberCompressorTest {
  /** Both engines; libdeflate is a declared dependency (scripts/install-deps.sh), not optional. */
  static List<String> engines() {
    return List.of("libdeflate", "java.util.zip");
  }

  private static IntFunction<DeflateEngine> engine(String name) {
    return switch (name) {
      case "libdeflate" ->
          level ->
              LibdeflateEngine.load(level)
                  .orElseThrow(() -> new AssertionError(LibdeflateEngine.loadFailure().get()));
      case "java.util.zip" -> ZlibDeflateEngine::new;
      default -> throw new IllegalArgumentException(name);
    };
  }

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

  /** Whether the member's first deflate block is a stored block (BTYPE 00). */
  private static boolean stored(byte[] member) {
    return ((member[10] >> 1) & 3) == 0;
  }

  private static int storedMemberSize(int length) {
    return 10 + GzipMemberCompressor.storedSize(length) + 8;
  }

  @Test
  void preferredEngine_isLibdeflate() {
    try (DeflateEngine e = GzipMemberCompressor.preferredEngine(9)) {
      assertEquals("libdeflate", e.name(), LibdeflateEngine.loadFailure().orElse(""));
    }
    assertEquals("libdeflate", EstargzWriter.deflateImplementation());
  }

  @ParameterizedTest
  @MethodSource("engines")
  void compress_incompressibleLargeMember_storesItAsValidGzip(String name) throws IOException {
    try (GzipMemberCompressor c = new GzipMemberCompressor(engine(name).apply(9))) {
      byte[] data = random(1 << 20, 1);
      byte[] member = c.compress(data, data.length);
      assertTrue(stored(member));
      assertEquals(storedMemberSize(data.length), member.length);
      assertArrayEquals(data, gunzip(member));
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void compress_compressibleMember_compresses(String name) throws IOException {
    try (GzipMemberCompressor c = new GzipMemberCompressor(engine(name).apply(9))) {
      byte[] data = text(1 << 20);
      byte[] member = c.compress(data, data.length);
      assertFalse(stored(member));
      assertTrue(member.length < data.length / 10, "compressed size " + member.length);
      assertArrayEquals(data, gunzip(member));
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void compress_smallIncompressibleMember_neverLargerThanStored(String name) throws IOException {
    try (GzipMemberCompressor c = new GzipMemberCompressor(engine(name).apply(9))) {
      for (int n : new int[] {1, 100, 65535, 65536, GzipMemberCompressor.WHOLE_TRIAL_LIMIT}) {
        byte[] data = random(n, n);
        byte[] member = c.compress(data, n);
        assertTrue(member.length <= storedMemberSize(n), n + " bytes -> " + member.length);
        assertArrayEquals(data, gunzip(member), "size " + n);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void compress_largeMemberCompressibleOnlyAfterItsStart_isStored(String name) throws IOException {
    // The trial looks at the first 64 KiB only: random there, text after, so the member is stored.
    byte[] data = new byte[1 << 20];
    System.arraycopy(random(GzipMemberCompressor.TRIAL_BYTES, 5), 0, data, 0, 65536);
    System.arraycopy(text(data.length - 65536), 0, data, 65536, data.length - 65536);
    try (GzipMemberCompressor c = new GzipMemberCompressor(engine(name).apply(6))) {
      byte[] member = c.compress(data, data.length);
      assertTrue(stored(member));
      assertArrayEquals(data, gunzip(member));
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void compress_prefixLengthOfLargerBuffer_compressesOnlyThePrefix(String name) throws IOException {
    try (GzipMemberCompressor c = new GzipMemberCompressor(engine(name).apply(6))) {
      byte[] data = text(300_000);
      int length = 200_000;
      assertArrayEquals(Arrays.copyOf(data, length), gunzip(c.compress(data, length)));
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void compress_sameInputTwice_sameBytes(String name) {
    try (GzipMemberCompressor c = new GzipMemberCompressor(engine(name).apply(9))) {
      byte[] data = text(200_000);
      byte[] first = c.compress(data, data.length);
      c.compress(random(100_000, 7), 100_000); // a different member in between
      assertArrayEquals(first, c.compress(data, data.length));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65534, 65535, 65536, 131070, 131071, 300_000})
  void stored_anyLength_isValidGzipOfExactSize(int n) throws IOException {
    byte[] data = random(n, n);
    byte[] member = GzipMemberCompressor.stored(data, n);
    assertEquals(storedMemberSize(n), member.length);
    assertArrayEquals(data, gunzip(member));
  }

  @Test
  void compress_levelZero_storesEverything() throws IOException {
    try (GzipMemberCompressor c = new GzipMemberCompressor(0)) {
      byte[] data = text(100_000);
      byte[] member = c.compress(data, data.length);
      assertTrue(stored(member));
      assertArrayEquals(data, gunzip(member));
    }
  }

  @ParameterizedTest
  @MethodSource("engines")
  void deflate_outputOverLimit_returnsMinusOne(String name) {
    try (DeflateEngine e = engine(name).apply(9)) {
      byte[] data = random(10_000, 9);
      byte[] out = new byte[20_000];
      assertEquals(-1, e.deflate(data, data.length, out, 5_000));
      assertTrue(e.deflate(data, data.length, out, out.length) > 10_000);
    }
  }
}
