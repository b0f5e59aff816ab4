package dev.thaw.indexer;

import java.io.IOException;

/** {@code verify}: checks every seekable layer. Confined to one thread. */
final class ImageVerifier {
  private final Progress progress;

  ImageVerifier(Progress progress) {
    this.progress = progress;
  }

  void verify(ImageInput input) throws IOException {
    progress.log("verify " + input.describe());
    throw new IOException("verify is not wired yet");
  }
}
