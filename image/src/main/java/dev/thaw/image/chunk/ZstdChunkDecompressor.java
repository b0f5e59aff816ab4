package dev.thaw.image.chunk;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.thaw.image.toc.TocChunk;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Decompresses zstd:chunked chunks: one zstd frame (or several), returning the chunk's bytes from
 * {@code innerOffset}. Frames that state their content size are decompressed in one call with a
 * pooled context; others are streamed and stop once the chunk's bytes are out.
 *
 * <p>Thread-safe.
 */
public final class ZstdChunkDecompressor implements ChunkDecompressor {
  /** How much a frame may hold beyond the chunk (trailing tar headers) before we stream instead. */
  private static final long MAX_SLACK = 16L << 20;

  /** Frames above this are streamed, so a lying frame header cannot force a huge allocation. */
  private static final long MAX_ONE_SHOT = 64L << 20;

  private final BoundedPool<ZstdDecompressCtx> pool;
  private final String layer;

  /**
   * @param pool supplies decompression contexts
   * @param layer names the layer in messages
   */
  public ZstdChunkDecompressor(BoundedPool<ZstdDecompressCtx> pool, String layer) {
    this.pool = pool;
    this.layer = layer;
  }

  @Override
  public byte[] decompress(byte[] member, int length, TocChunk chunk) throws IOException {
    java.util.Objects.checkFromIndexSize(0, length, member.length);
    long need = chunk.innerOffset() + chunk.size();
    if (need > Integer.MAX_VALUE - 16) {
      throw error(chunk, "chunk of " + chunk.size() + " bytes is too large", null);
    }
    long content = length >= 4 ? Zstd.getFrameContentSize(member, 0, length) : -2;
    try {
      if (content >= need && content - need <= MAX_SLACK && content <= MAX_ONE_SHOT) {
        byte[] all = new byte[(int) content];
        ZstdDecompressCtx ctx = pool.borrow();
        int n;
        try {
          n = ctx.decompressByteArray(all, 0, all.length, member, 0, length);
        } finally {
          pool.release(ctx);
        }
        if (n < need) {
          throw error(chunk, "zstd data ends " + (need - n) + " bytes early", null);
        }
        return java.util.Arrays.copyOfRange(all, (int) chunk.innerOffset(), (int) need);
      }
      if (content == -2 || (content >= 0 && content < need)) {
        throw error(chunk, "not a zstd frame holding " + need + " bytes", null);
      }
      try (ZstdInputStreamNoFinalizer in =
          new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(member, 0, length))) {
        in.skipNBytes(chunk.innerOffset());
        byte[] out = in.readNBytes((int) chunk.size());
        if (out.length != chunk.size()) {
          throw error(
              chunk, "zstd data ends " + (chunk.size() - out.length) + " bytes early", null);
        }
        return out;
      }
    } catch (ZstdException e) {
      throw error(chunk, "corrupt zstd: " + e.getMessage(), e);
    } catch (java.io.EOFException e) {
      throw error(chunk, "zstd data ends early", e);
    } catch (ChunkFormatException e) {
      throw e;
    } catch (IOException e) {
      throw error(chunk, "corrupt zstd: " + e.getMessage(), e);
    }
  }

  private ChunkFormatException error(TocChunk chunk, String what, Throwable cause) {
    return new ChunkFormatException(
        "decompress " + chunk + " of layer " + layer + ": " + what, cause);
  }
}
