package dev.thaw.image.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.testimages.TestLayers;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ChunkDecompressorTest {
  private static final byte[] DATA = TestLayers.randomBytes(300_000, 11);
  private static final BoundedPool<Inflater> INFLATERS =
      new BoundedPool<>(2, () -> new Inflater(true), Inflater::reset, Inflater::end);
  private static final BoundedPool<ZstdDecompressCtx> ZSTD =
      new BoundedPool<>(
          2, ZstdDecompressCtx::new, ZstdDecompressCtx::reset, ZstdDecompressCtx::close);

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static TocChunk chunk(long inner, long size, long memberLength) {
    return new TocChunk(Digest.sha256(new byte[0]), 0, size, 100, 100 + memberLength, inner);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 1",
    "0, 300000",
    "1, 299999",
    "65535, 65537",
    "65536, 1000",
    "299999, 1",
    "150000, 100000",
  })
  void decompress_innerOffsetAndSize_exactRange(long inner, long size) throws Exception {
    byte[] want = Arrays.copyOfRange(DATA, (int) inner, (int) (inner + size));
    byte[] gz = gzip(DATA);
    assertArrayEquals(
        want,
        new GzipChunkDecompressor(INFLATERS, "l").decompress(gz, chunk(inner, size, gz.length)));
    byte[] zst = Zstd.compress(DATA, 3);
    assertArrayEquals(
        want, new ZstdChunkDecompressor(ZSTD, "l").decompress(zst, chunk(inner, size, zst.length)));
  }

  @Test
  void decompress_chunkSpansConcatenatedGzipMembers_joinsThem() throws Exception {
    byte[] a = gzip(Arrays.copyOfRange(DATA, 0, 1000));
    byte[] b = gzip(Arrays.copyOfRange(DATA, 1000, 3000));
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    assertArrayEquals(
        Arrays.copyOfRange(DATA, 500, 2500),
        new GzipChunkDecompressor(INFLATERS, "l").decompress(both, chunk(500, 2000, both.length)));
  }

  @ParameterizedTest
  @CsvSource({"0, 300001", "1, 300000", "400000, 1"})
  void decompress_pastEndOfMember_throwsChunkFormatException(long inner, long size)
      throws Exception {
    byte[] gz = gzip(DATA);
    ChunkFormatException e =
        assertThrows(
            ChunkFormatException.class,
            () ->
                new GzipChunkDecompressor(INFLATERS, "layer-g")
                    .decompress(gz, chunk(inner, size, gz.length)));
    assertTrue(e.getMessage().contains("layer-g"), e.getMessage());
    byte[] zst = Zstd.compress(DATA, 3);
    assertThrows(
        ChunkFormatException.class,
        () -> new ZstdChunkDecompressor(ZSTD, "l").decompress(zst, chunk(inner, size, zst.length)));
  }

  @Test
  void verify_wrongBytes_throwsMismatchNamingLayerChunkAndRange() {
    byte[] data = {1, 2, 3};
    TocChunk c = new TocChunk(Digest.sha256(new byte[] {1, 2, 4}), 4096, 3, 10, 50, 0);
    ChunkDigestMismatchException e =
        assertThrows(
            ChunkDigestMismatchException.class, () -> new ChunkVerifier("layer-v").verify(c, data));
    assertTrue(e.getMessage().contains("layer-v"), e.getMessage());
    assertTrue(e.getMessage().contains("4096-4098"), e.getMessage());
    assertTrue(e.getMessage().contains(Digest.sha256(data).toString()), e.getMessage());
    assertEquals(Digest.sha256(data), e.actual());
  }

  @Test
  void boundedPool_releaseBeyondCapacity_destroysExtra() {
    int[] destroyed = {0};
    BoundedPool<Object> pool = new BoundedPool<>(1, Object::new, o -> {}, o -> destroyed[0]++);
    Object a = pool.borrow();
    Object b = pool.borrow();
    pool.release(a);
    pool.release(b);
    assertEquals(1, pool.idle());
    assertEquals(1, destroyed[0]);
    assertEquals(a, pool.borrow());
  }
}
