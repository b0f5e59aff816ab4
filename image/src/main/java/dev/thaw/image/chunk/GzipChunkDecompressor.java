package dev.thaw.image.chunk;

import dev.thaw.image.toc.TocChunk;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses eStargz chunks: one gzip member (or several concatenated ones), skipping {@code
 * innerOffset} bytes and stopping as soon as the chunk's bytes are out.
 *
 * <p>Thread-safe; inflaters come from a {@link BoundedPool}.
 */
public final class GzipChunkDecompressor implements ChunkDecompressor {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final BoundedPool<Inflater> pool;
  private final String layer;

  /**
   * @param pool supplies raw-deflate inflaters ({@code new Inflater(true)})
   * @param layer names the layer in messages
   */
  public GzipChunkDecompressor(BoundedPool<Inflater> pool, String layer) {
    this.pool = pool;
    this.layer = layer;
  }

  @Override
  public byte[] decompress(byte[] member, int length, TocChunk chunk) throws IOException {
    java.util.Objects.checkFromIndexSize(0, length, member.length);
    if (chunk.size() > Integer.MAX_VALUE - 16) {
      throw error(chunk, "chunk of " + chunk.size() + " bytes is too large");
    }
    int size = (int) chunk.size();
    // Grow towards the size the TOC claims only as bytes arrive: a lying TOC cannot make us
    // allocate more than the member really holds. Start at the member's size (enough at once for
    // incompressible data, stored uncompressed) or 1 MiB, whichever is larger.
    byte[] out = new byte[Math.min(size, Math.max(1 << 20, length))];
    Inflater inflater = pool.borrow();
    try {
      int pos = headerEnd(member, 0, length, chunk);
      inflater.setInput(member, pos, length - pos);
      long skip = chunk.innerOffset();
      byte[] scratch = skip > 0 ? new byte[(int) Math.min(skip, 64 * 1024)] : null;
      int filled = 0;
      while (filled < size) {
        if (filled == out.length) {
          out = java.util.Arrays.copyOf(out, (int) Math.min(size, 2L * out.length));
        }
        int n =
            skip > 0
                ? inflater.inflate(scratch, 0, (int) Math.min(skip, scratch.length))
                : inflater.inflate(out, filled, out.length - filled);
        if (skip > 0) {
          skip -= n;
        } else {
          filled += n;
        }
        if (n == 0) {
          if (inflater.finished()) {
            // The member ended: a next member may follow (after the 8-byte trailer).
            int next = length - inflater.getRemaining() + 8;
            if (next >= length) {
              throw error(chunk, "gzip data ends " + (size - filled) + " bytes early");
            }
            pos = headerEnd(member, next, length, chunk);
            inflater.reset();
            inflater.setInput(member, pos, length - pos);
          } else if (inflater.needsInput()) {
            throw error(chunk, "gzip data truncated " + (size - filled) + " bytes early");
          } else if (inflater.needsDictionary()) {
            throw error(chunk, "gzip data needs a preset dictionary");
          }
        }
      }
      return out;
    } catch (DataFormatException e) {
      throw new ChunkFormatException(message(chunk, "corrupt gzip: " + e.getMessage()), e);
    } finally {
      pool.release(inflater);
    }
  }

  /**
   * Parses a gzip member header at {@code at} of the first {@code length} bytes of {@code m};
   * returns where the deflate data starts.
   */
  private int headerEnd(byte[] m, int at, int length, TocChunk chunk) throws ChunkFormatException {
    if (length - at < 10
        || (m[at] & 0xff) != 0x1f
        || (m[at + 1] & 0xff) != 0x8b
        || m[at + 2] != 8) {
      throw error(chunk, "no gzip member header at member byte " + at);
    }
    int flags = m[at + 3] & 0xff;
    int p = at + 10;
    if ((flags & FEXTRA) != 0) {
      if (p + 2 > length) {
        throw error(chunk, "gzip header truncated");
      }
      p += 2 + ((m[p] & 0xff) | (m[p + 1] & 0xff) << 8);
    }
    if ((flags & FNAME) != 0) {
      p = skipZero(m, p, length, chunk);
    }
    if ((flags & FCOMMENT) != 0) {
      p = skipZero(m, p, length, chunk);
    }
    if ((flags & FHCRC) != 0) {
      p += 2;
    }
    if (p > length) {
      throw error(chunk, "gzip header truncated");
    }
    return p;
  }

  private int skipZero(byte[] m, int p, int length, TocChunk chunk) throws ChunkFormatException {
    while (p < length && m[p] != 0) {
      p++;
    }
    if (p >= length) {
      throw error(chunk, "gzip header truncated");
    }
    return p + 1;
  }

  private ChunkFormatException error(TocChunk chunk, String what) {
    return new ChunkFormatException(message(chunk, what));
  }

  private String message(TocChunk chunk, String what) {
    return "decompress " + chunk + " of layer " + layer + ": " + what;
  }
}
