package dev.thaw.indexer;

import dev.thaw.image.blob.FileBlobSource;
import dev.thaw.image.io.TeeInputStream;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import dev.thaw.image.toc.TocNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code verify}: for every layer of every manifest, downloads the blob (checking its digest),
 * parses the footer and checks the TOC against the layer's TOC-digest annotation, decompresses and
 * checks every chunk and every whole-file digest, reads the blob as one tar (every entry checked by
 * {@link dev.thaw.image.tar.TarEntryValidator}) and compares its digest with the config's diffID.
 * Stops at the first failure, naming manifest, layer and entry.
 *
 * <p>Confined to one thread.
 */
final class ImageVerifier {
  private final Progress progress;
  private final Path tempParent;
  private final SourceTarReader reader = new SourceTarReader(true);

  ImageVerifier(Progress progress, Path tempParent) {
    this.progress = progress;
    this.tempParent = tempParent;
  }

  /** Verifies {@code input}; returns the number of layers checked. */
  int verify(ImageSource input) throws IOException {
    ConversionPlan plan = ConversionPlan.walk(input, p -> true, progress::log);
    progress.begin("verify " + input.reference(), plan.layerBytes());
    Set<String> done = new HashSet<>();
    int layers = 0;
    try (StagingArea staging = StagingArea.create(tempParent)) {
      for (ConversionPlan.PlannedImage image : plan.images()) {
        List<Descriptor> ls = image.manifest().layers();
        for (int i = 0; i < ls.size(); i++) {
          Descriptor layer = ls.get(i);
          Digest diffId = image.config().diffIds().get(i);
          if (!done.add(layer.digest() + "|" + diffId)) {
            continue;
          }
          try {
            verifyLayer(input, layer, diffId, staging);
          } catch (IOException e) {
            throw new IOException(image.describe() + ": layer " + layer.digest(), e);
          }
          layers++;
        }
      }
    }
    return layers;
  }

  private void verifyLayer(ImageSource input, Descriptor layer, Digest diffId, StagingArea staging)
      throws IOException {
    String task = "layer " + layer.digest().shortForm();
    progress.taskStarted(task, layer.size());
    Digest tocDigest =
        Digest.parse(
            layer
                .annotation(LayerAnnotations.TOC_DIGEST)
                .orElseThrow(() ->
                    new IOException(
                        "no "
                            + LayerAnnotations.TOC_DIGEST
                            + " annotation: not a seekable layer")));
    Path blob = staging.newScratchFile("verify");
    Path tar = staging.newScratchFile("verify-tar");
    try {
      // One pass over the blob: digest and size against the descriptor, every tar entry checked,
      // the uncompressed digest for the diffID.
      SourceTar source;
      try (InputStream raw = TeeInputStream.toFile(input.openBlob(layer), blob)) {
        source = reader.read(layer, raw, tar, progress::advance);
      }
      Digest actualDiffId = source.diffId().orElseThrow();
      if (!actualDiffId.equals(diffId)) {
        throw new IOException(
            "diffID mismatch: the uncompressed blob has "
                + actualDiffId
                + ", the config says "
                + diffId);
      }
      Optional<String> size = layer.annotation(LayerAnnotations.UNCOMPRESSED_SIZE);
      if (size.isPresent() && !size.get().equals(Long.toString(source.size()))) {
        throw new IOException(
            LayerAnnotations.UNCOMPRESSED_SIZE
                + " is "
                + size.get()
                + ", the tar has "
                + source.size()
                + " bytes");
      }
      int chunks;
      try (FileBlobSource src = new FileBlobSource(blob)) {
        OpenedLayer opened =
            SeekableLayers.open(src, Optional.of(tocDigest), layer.digest().toString());
        chunks = verifyChunks(opened);
      }
      progress.taskFinished(task, "ok (" + chunks + " chunks, diffID " + diffId.shortForm() + ")");
    } finally {
      Files.deleteIfExists(blob);
      Files.deleteIfExists(tar);
    }
  }

  /** Checks every chunk of every regular file, and each file's whole digest. */
  private static int verifyChunks(OpenedLayer layer) throws IOException {
    Set<Long> seen = new HashSet<>();
    int count = 0;
    for (TocNode node : layer.index().nodes()) {
      if (!node.isRegularFile() || !seen.add(node.inode())) {
        continue;
      }
      TocEntry entry = node.entry();
      MessageDigest whole = Digest.newSha256();
      long length = 0;
      try {
        for (TocChunk chunk : layer.index().chunks(node)) {
          byte[] data = layer.chunks().read(chunk);
          whole.update(data);
          length += data.length;
          count++;
        }
        if (entry.type() == TocEntryType.REG && length != entry.size()) {
          throw new IOException("chunks hold " + length + " bytes, the TOC says " + entry.size());
        }
        if (entry.digest() != null && length > 0) {
          Digest actual = Digest.ofSha256(whole.digest());
          if (!actual.equals(entry.digest())) {
            throw new IOException(
                "file digest mismatch: got " + actual + ", TOC says " + entry.digest());
          }
        }
      } catch (IOException e) {
        throw new IOException("entry '" + node.path() + "'", e);
      }
    }
    return count;
  }
}
