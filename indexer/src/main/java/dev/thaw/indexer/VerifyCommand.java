package dev.thaw.indexer;

import dev.thaw.image.oci.ImageSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code verify REF}: checks every seekable layer of an image end to end. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Checks every layer of REF: footer, TOC digest against the layer annotation, every chunk"
          + " digest, tar validity and the diffID in the config. Exits non-zero at the first"
          + " failure, naming layer and entry."
    })
final class VerifyCommand extends ImageCommand {
  @Parameters(index = "0", paramLabel = "REF", description = "The image.")
  String reference;

  @Override
  public Integer call() throws Exception {
    try (ImageSource input = access().open(ImageAccess.parse(reference));
        Progress progress = progress()) {
      int layers = new ImageVerifier(progress, tempDirectory()).verify(input);
      out().println("verified " + reference + ": " + layers + " layers");
    } catch (java.io.IOException e) {
      throw new java.io.IOException("image " + reference, e);
    }
    return 0;
  }
}
