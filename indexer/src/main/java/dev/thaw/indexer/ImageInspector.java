package dev.thaw.indexer;

import java.io.IOException;
import java.io.PrintWriter;

/** {@code inspect}: prints layers, sizes, formats and TOC summaries. Confined to one thread. */
final class ImageInspector {
  private final PrintWriter out;

  ImageInspector(PrintWriter out) {
    this.out = out;
  }

  void inspect(ImageInput input) throws IOException {
    out.println(input.describe());
    throw new IOException("inspect is not wired yet");
  }
}
