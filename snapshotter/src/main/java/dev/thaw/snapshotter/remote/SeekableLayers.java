package dev.thaw.snapshotter.remote;

import dev.thaw.fuse.LayerMount;
import dev.thaw.fuse.MountOptions;
import dev.thaw.image.chunk.ChunkDecompressor;
import dev.thaw.image.chunk.ChunkVerifier;
import dev.thaw.image.chunk.SeekableLayer;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.snapshotter.fetch.ChunkCodec;
import java.io.IOException;

/**
 * The production seams: {@link SeekableLayerOpener} over the image library's {@link SeekableLayer},
 * {@link LayerMounter} over {@code fuse-mount}'s {@link LayerMount}. Stateless.
 */
public final class SeekableLayers {
  private SeekableLayers() {}

  /** Opens eStargz and zstd:chunked layers with {@link SeekableLayer#open}. */
  public static SeekableLayerOpener opener() {
    return (blob, layer, expectedTocDigest) -> {
      SeekableLayer opened = SeekableLayer.open(blob, expectedTocDigest);
      return new OpenedLayer(
          opened.tocIndex(), opened.tocDigest(), codec(opened.decompressor(), opened.verifier()));
    };
  }

  /** A codec over the library's decompressor and verifier. */
  public static ChunkCodec codec(ChunkDecompressor decompressor, ChunkVerifier verifier) {
    return new ChunkCodec() {
      @Override
      public byte[] decompress(byte[] buffer, int length, TocChunk chunk) throws IOException {
        return decompressor.decompress(buffer, length, chunk);
      }

      @Override
      public void verify(byte[] uncompressed, TocChunk chunk) throws IOException {
        verifier.verify(chunk, uncompressed);
      }
    };
  }

  /** Mounts with {@link LayerMount#mount}, naming the mount after the layer. */
  public static LayerMounter fuseMounter() {
    return (name, index, source, mountpoint, observer) -> {
      LayerMount mount =
          LayerMount.mount(
              index, source, mountpoint, MountOptions.named(mountName(name)), observer);
      return mount::close;
    };
  }

  /** {@code sha256:abcdef…} → {@code sha256:abcdef012345}, a name the mount table accepts. */
  static String mountName(String layer) {
    String cleaned = layer.replaceAll("[^A-Za-z0-9:._-]", "_");
    return cleaned.length() > 19 ? cleaned.substring(0, 19) : cleaned;
  }
}
