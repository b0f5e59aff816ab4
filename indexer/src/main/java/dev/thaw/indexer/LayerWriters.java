package dev.thaw.indexer;

import java.io.IOException;

/** The {@link LayerWriter} for each output format. Static only. */
final class LayerWriters {
  private LayerWriters() {}

  /** The writer for {@code options.format()}. */
  static LayerWriter of(ConvertOptions options) {
    return (tar, prefetch, target, layer) -> {
      throw new IOException(options.format() + " writer is not wired yet");
    };
  }
}
