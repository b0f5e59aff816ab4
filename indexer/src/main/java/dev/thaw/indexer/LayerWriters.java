package dev.thaw.indexer;

import java.io.IOException;

/** The {@link LayerWriter} for each output format, over the image library's writers. */
final class LayerWriters {
  private LayerWriters() {}

  /** The writer for {@code options.format()}; {@code threads} compress members of one layer. */
  static LayerWriter of(ConvertOptions options, int threads) {
    return (tar, prefetch, target, layer) -> {
      throw new IOException(
          options.format() + " writer is not wired yet (" + threads + " threads asked)");
    };
  }
}
