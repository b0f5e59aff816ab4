package dev.thaw.indexer;

import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.image.oci.ImageReference;
import dev.thaw.image.oci.ImageSink;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.oci.RegistryReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code convert SRC DST}: rewrites an image into seekable layers. */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = {
      "Rewrites every layer of SRC into a seekable layer and pushes the image to DST.",
      "SRC and DST are registry references (host/repo:tag, host/repo@sha256:...) or oci:DIR[:tag].",
      "Everything is converted locally first: nothing is pushed under DST if any layer fails."
    })
final class ConvertCommand extends ImageCommand {
  @Parameters(index = "0", paramLabel = "SRC", description = "The image to convert.")
  String source;

  @Parameters(index = "1", paramLabel = "DST", description = "Where to push the result.")
  String destination;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      converter = OutputFormat.Converter.class,
      defaultValue = "estargz",
      description = "estargz (gzip, default) or zstd-chunked.")
  OutputFormat format;

  @Option(
      names = "--chunk-size",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      defaultValue = "4MiB",
      description = "Split files into chunks of at most SIZE (default ${DEFAULT-VALUE}).")
  long chunkSize;

  @Option(
      names = "--compression-level",
      paramLabel = "N",
      description = "gzip 1-9 or zstd 1-22 (default: the format's default).")
  Integer compressionLevel;

  @Option(
      names = "--prefetch",
      paramLabel = "FILE",
      description = "Paths or globs, one a line, to place first and mark for prefetch.")
  Path prefetch;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "Convert only these platforms of an index (default: all); repeatable.")
  List<String> platforms = new ArrayList<>();

  @Option(
      names = "--jobs",
      paramLabel = "N",
      description = "Layers converted in parallel (default: the number of cores).")
  Integer jobs;

  @Override
  public Integer call() throws Exception {
    ConvertOptions options =
        ConvertOptions.of(
            format,
            chunkSize,
            compressionLevel,
            prefetch == null ? PrefetchPatterns.none() : PrefetchPatterns.read(prefetch),
            platforms,
            jobs == null ? Runtime.getRuntime().availableProcessors() : jobs);
    ImageAccess access = access();
    ImageReference dst = ImageAccess.parse(destination);
    try (ImageSource input = access.open(ImageAccess.parse(source));
        Progress progress = progress()) {
      LayerWriter writer = LayerWriters.of(options, Runtime.getRuntime().availableProcessors());
      if (format == OutputFormat.ESTARGZ) {
        progress.log("gzip members deflated with " + EstargzWriter.deflateImplementation());
      }
      String result =
          new ImageConverter(writer, options, progress, tempDirectory())
              .convert(
                  input,
                  new ImageConverter.SinkOpener() {
                    @Override
                    public ImageSink open() throws java.io.IOException {
                      return access.openSink(dst);
                    }

                    @Override
                    public boolean uploadsEarly() {
                      return dst instanceof RegistryReference;
                    }
                  });
      out().println(result);
    } catch (java.io.IOException e) {
      throw new java.io.IOException("image " + source, e);
    }
    return 0;
  }
}
