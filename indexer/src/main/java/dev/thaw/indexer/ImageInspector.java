package dev.thaw.indexer;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code inspect}: prints, per manifest, the config and every layer: size, media type, format, TOC
 * digest (and whether it matches the annotation), TOC summary (entries, files, chunks, uncompressed
 * size) and the prefetch set. Reads only footers and TOCs (range reads), never whole layers. A
 * layer that is not seekable is reported as such, not as a failure.
 *
 * <p>Confined to one thread.
 */
final class ImageInspector {
  static final String PREFETCH_LANDMARK = ".prefetch.landmark";
  static final String NO_PREFETCH_LANDMARK = ".no.prefetch.landmark";
  private static final int PREFETCH_SHOWN = 20;

  private final PrintWriter out;

  ImageInspector(PrintWriter out) {
    this.out = out;
  }

  void inspect(ImageSource input) throws IOException {
    ConversionPlan plan = ConversionPlan.walk(input, p -> true, line -> out.println("# " + line));
    out.println("image " + input.reference());
    plan.index()
        .ifPresent(
            i -> out.println("index " + i.digest() + " (" + i.manifests().size() + " manifests)"));
    for (ConversionPlan.PlannedImage image : plan.images()) {
      out.println(
          image
                  .describe()
                  .replaceFirst(
                      image.manifest().digest().shortForm(), image.manifest().digest().toString())
              + " "
              + image.manifest().mediaType());
      Descriptor config = image.manifest().config();
      out.println("  config " + config.digest() + " " + ByteSizeConverter.format(config.size()));
      List<Descriptor> layers = image.manifest().layers();
      for (int i = 0; i < layers.size(); i++) {
        Descriptor l = layers.get(i);
        out.println(
            "  layer "
                + (i + 1)
                + "/"
                + layers.size()
                + " "
                + l.digest()
                + " "
                + ByteSizeConverter.format(l.size())
                + " "
                + l.mediaType());
        out.println("    diffID " + image.config().diffIds().get(i));
        try {
          describeLayer(input, l);
        } catch (IOException e) {
          throw new IOException("layer " + l.digest(), e);
        }
      }
    }
    out.flush();
  }

  private void describeLayer(ImageSource input, Descriptor layer) throws IOException {
    OpenedLayer opened;
    try (BlobSource blob = input.blobSource(layer)) {
      try {
        opened = SeekableLayers.open(blob, Optional.empty(), layer.digest().toString());
      } catch (IOException e) {
        out.println("    format: not seekable (" + OneLineMessages.of(e) + ")");
        return;
      }
    }
    Optional<String> annotated = layer.annotation(LayerAnnotations.TOC_DIGEST);
    String check =
        annotated.isEmpty()
            ? "no TOC-digest annotation"
            : annotated.get().equals(opened.tocDigest().toString())
                ? "matches the annotation"
                : "DOES NOT match the annotation " + annotated.get();
    out.println(
        "    format: " + opened.format() + ", TOC " + opened.tocDigest() + " (" + check + ")");
    List<TocEntry> entries = opened.index().toc().entries();
    long files = 0;
    long chunks = 0;
    long bytes = 0;
    for (TocEntry e : entries) {
      if (e.type() == TocEntryType.REG) {
        files++;
        bytes += e.size();
      }
      if ((e.type() == TocEntryType.REG && e.size() > 0) || e.type() == TocEntryType.CHUNK) {
        chunks++;
      }
    }
    out.println(
        "    TOC: "
            + entries.size()
            + " entries, "
            + files
            + " files, "
            + chunks
            + " chunks, "
            + ByteSizeConverter.format(bytes)
            + " of file content");
    out.println("    prefetch: " + prefetchSet(entries));
  }

  /** The files before {@code .prefetch.landmark}, or why there are none. */
  static String prefetchSet(List<TocEntry> entries) {
    List<String> hot = new ArrayList<>();
    for (TocEntry e : entries) {
      String name = e.name().startsWith("./") ? e.name().substring(2) : e.name();
      if (name.equals(NO_PREFETCH_LANDMARK)) {
        return "none (" + NO_PREFETCH_LANDMARK + ")";
      }
      if (name.equals(PREFETCH_LANDMARK)) {
        String shown = String.join(", ", hot.subList(0, Math.min(hot.size(), PREFETCH_SHOWN)));
        return hot.size()
            + " files before "
            + PREFETCH_LANDMARK
            + (hot.isEmpty() ? "" : ": " + shown)
            + (hot.size() > PREFETCH_SHOWN ? ", …" : "");
      }
      if (e.type() == TocEntryType.REG) {
        hot.add(name);
      }
    }
    return "none (no landmark)";
  }
}
