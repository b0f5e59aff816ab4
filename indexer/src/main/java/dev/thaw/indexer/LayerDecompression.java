package dev.thaw.indexer;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * How a source layer blob is compressed, detected from its first bytes rather than trusted from the
 * media type (registries hold mislabelled layers).
 */
enum LayerDecompression {
  GZIP,
  ZSTD,
  NONE;

  private static final int BUFFER = 1 << 16;

  /**
   * Wraps {@code raw} (a whole layer blob) in the matching decompressor. Gzip streams of several
   * members (eStargz) and zstd streams of several frames, skippable ones included (zstd:chunked),
   * are read to their end.
   */
  static InputStream open(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
    return switch (detect(in)) {
      case GZIP -> new GZIPInputStream(in, BUFFER);
      case ZSTD -> new BufferedInputStream(new ZstdInputStream(in), BUFFER);
      case NONE -> in;
    };
  }

  /** Peeks at the first four bytes of {@code in} (which must support mark) without consuming. */
  static LayerDecompression detect(InputStream in) throws IOException {
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (magic.length == 4
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd
        && (magic[0] & 0xff) == 0x28) {
      return ZSTD;
    }
    if (magic.length == 4
        && (magic[0] & 0xf0) == 0x50
        && (magic[1] & 0xff) == 0x2a
        && (magic[2] & 0xff) == 0x4d
        && (magic[3] & 0xff) == 0x18) {
      return ZSTD; // starts with a skippable frame
    }
    return NONE;
  }
}
