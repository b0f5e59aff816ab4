package dev.thaw.indexer;

import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ImageConfig;
import dev.thaw.image.oci.ImageIndex;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.oci.Manifest;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What an image is made of, walked from its root: the index (if any), the selected manifests with
 * their configs, and the distinct layers to convert. Checks that it is an image at all.
 *
 * <p>Immutable.
 *
 * @param index the root index, empty for a single manifest
 * @param images the selected manifests, in index order
 * @param layers the distinct layers of all selected manifests, by source digest
 * @param diffIds the config's diffID of each layer, by source digest
 */
record ConversionPlan(
    Optional<ImageIndex> index,
    List<PlannedImage> images,
    Map<String, Descriptor> layers,
    Map<String, dev.thaw.image.oci.Digest> diffIds) {
  /** Annotation buildkit puts on attestation manifests inside an index. */
  static final String REFERENCE_TYPE = "vnd.docker.reference.type";

  ConversionPlan {
    images = List.copyOf(images);
    layers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    diffIds = Map.copyOf(diffIds);
  }

  /**
   * One image manifest to rewrite.
   *
   * @param inIndex its descriptor in the root index, empty if it is the root
   * @param manifest the manifest
   * @param config the parsed config
   */
  record PlannedImage(Optional<Descriptor> inIndex, Manifest manifest, ImageConfig config) {
    /** A name for messages: the platform, or the digest. */
    String describe() {
      return inIndex
          .flatMap(Descriptor::platform)
          .map(p -> "manifest " + manifest.digest().shortForm() + " (" + p + ")")
          .orElse("manifest " + manifest.digest().shortForm());
    }
  }

  /**
   * Walks {@code input} from its root, keeping the index entries {@code selected} accepts.
   *
   * @param log told about each skipped entry
   * @throws IOException if the reference is not an image, or nothing is selected
   */
  static ConversionPlan walk(
      ImageSource input,
      Predicate<Optional<dev.thaw.image.oci.Platform>> selected,
      java.util.function.Consumer<String> log)
      throws IOException {
    ManifestContent root = input.root();
    List<PlannedImage> images = new ArrayList<>();
    Optional<ImageIndex> index = Optional.empty();
    if (root.isIndex()) {
      ImageIndex idx = root.asIndex();
      index = Optional.of(idx);
      for (Descriptor d : idx.manifests()) {
        if (d.annotation(REFERENCE_TYPE).isPresent()) {
          log.accept("skip " + d.digest().shortForm() + ": " + d.annotation(REFERENCE_TYPE).get());
          continue;
        }
        if (!selected.test(d.platform())) {
          log.accept(
              "skip "
                  + d.digest().shortForm()
                  + " ("
                  + d.platform().map(Object::toString).orElse("no platform")
                  + "): not a selected platform");
          continue;
        }
        if (!MediaTypes.isManifest(d.mediaType())) {
          throw new IOException(
              "index entry "
                  + d.digest()
                  + " has media type "
                  + d.mediaType()
                  + ", not an image manifest");
        }
        images.add(image(input, Optional.of(d), input.manifest(d)));
      }
      if (images.isEmpty()) {
        throw new IOException("no manifest of the index matches the selected platforms");
      }
    } else {
      images.add(image(input, Optional.empty(), root));
    }
    Map<String, Descriptor> layers = new LinkedHashMap<>();
    Map<String, dev.thaw.image.oci.Digest> diffIds = new LinkedHashMap<>();
    for (PlannedImage image : images) {
      List<Descriptor> ls = image.manifest().layers();
      for (int i = 0; i < ls.size(); i++) {
        layers.putIfAbsent(ls.get(i).digest().toString(), ls.get(i));
        diffIds.putIfAbsent(ls.get(i).digest().toString(), image.config().diffIds().get(i));
      }
    }
    return new ConversionPlan(index, images, layers, diffIds);
  }

  private static PlannedImage image(
      ImageSource input, Optional<Descriptor> inIndex, ManifestContent content) throws IOException {
    if (!MediaTypes.isManifest(content.mediaType())) {
      throw new IOException("not an image: media type " + content.mediaType());
    }
    Manifest manifest = content.asManifest();
    String where = "manifest " + manifest.digest();
    if (!MediaTypes.isConfig(manifest.config().mediaType())) {
      throw new IOException(
          where + ": not an image (config media type " + manifest.config().mediaType() + ")");
    }
    for (Descriptor l : manifest.layers()) {
      if (!isTarLayer(l.mediaType())) {
        throw new IOException(
            where
                + ": layer "
                + l.digest()
                + " has media type "
                + l.mediaType()
                + ", not a tar layer");
      }
    }
    ImageConfig config;
    try {
      config = ImageConfig.parse(input.readBlob(manifest.config()));
    } catch (IOException e) {
      throw new IOException(where + ": config " + manifest.config().digest(), e);
    }
    if (config.diffIds().size() != manifest.layers().size()) {
      throw new IOException(
          where
              + ": config has "
              + config.diffIds().size()
              + " diffIDs for "
              + manifest.layers().size()
              + " layers");
    }
    return new PlannedImage(inIndex, manifest, config);
  }

  /** True for a layer media type whose blob is a (compressed) tar. */
  static boolean isTarLayer(String mediaType) {
    String base = mediaType.replace(".nondistributable", "").replace(".foreign", "");
    return base.equals(MediaTypes.OCI_LAYER_TAR)
        || base.equals(MediaTypes.OCI_LAYER_GZIP)
        || base.equals(MediaTypes.OCI_LAYER_ZSTD)
        || base.equals(MediaTypes.DOCKER_LAYER_GZIP)
        || base.equals(MediaTypes.DOCKER_LAYER_ZSTD)
        || base.equals("application/vnd.docker.image.rootfs.diff.tar");
  }

  /** The total size of the distinct layers. */
  long layerBytes() {
    return layers.values().stream().mapToLong(Descriptor::size).sum();
  }
}
