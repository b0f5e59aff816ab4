package dev.thaw.indexer;

import dev.thaw.image.oci.ImageSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code inspect REF}: what an image's layers are and what their TOCs hold. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Prints every layer of REF: size, format, TOC summary (entries, files, chunks) and the"
          + " prefetch set."
    })
final class InspectCommand extends ImageCommand {
  @Parameters(index = "0", paramLabel = "REF", description = "The image.")
  String reference;

  @Override
  public Integer call() throws Exception {
    try (ImageSource input = access().open(ImageAccess.parse(reference))) {
      new ImageInspector(out()).inspect(input);
    } catch (java.io.IOException e) {
      throw new java.io.IOException("image " + reference, e);
    }
    return 0;
  }
}
