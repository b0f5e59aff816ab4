package dev.thaw.image.oci;

/**
 * The media types Thaw reads and writes: OCI image-spec v1 and Docker image manifest v2 schema 2.
 *
 * <p>Static constants and predicates only.
 */
public final class MediaTypes {
  /** OCI image manifest. */
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  /** OCI image index. */
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

  /** OCI image config. */
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  /** OCI uncompressed layer. */
  public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";

  /** OCI gzip layer (also eStargz). */
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  /** OCI zstd layer (also zstd:chunked). */
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

  /** OCI non-distributable gzip layer (deprecated in the spec, still seen). */
  public static final String OCI_LAYER_NONDIST_GZIP =
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

  /** OCI empty JSON descriptor ({@code {}}), used by artifacts. */
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

  /** Docker image manifest v2 schema 2. */
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker manifest list. */
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker container config. */
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Docker gzip layer. */
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";

  /** Docker foreign (non-distributable) gzip layer. */
  public static final String DOCKER_LAYER_FOREIGN_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** Docker zstd layer (written by some builders). */
  public static final String DOCKER_LAYER_ZSTD =
      "application/vnd.docker.image.rootfs.diff.tar.zstd";

  /** The {@code Accept} header value for manifest GETs: every manifest and index type we parse. */
  public static final String MANIFEST_ACCEPT =
      String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

  private MediaTypes() {}

  /** True for a single-platform image manifest, OCI or Docker. */
  public static boolean isManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  /** True for an OCI index or a Docker manifest list. */
  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  /** True for an image config, OCI or Docker. */
  public static boolean isConfig(String mediaType) {
    return OCI_CONFIG.equals(mediaType) || DOCKER_CONFIG.equals(mediaType);
  }

  /** True for a gzip-compressed layer of either family. */
  public static boolean isGzipLayer(String mediaType) {
    return OCI_LAYER_GZIP.equals(mediaType)
        || DOCKER_LAYER_GZIP.equals(mediaType)
        || OCI_LAYER_NONDIST_GZIP.equals(mediaType)
        || DOCKER_LAYER_FOREIGN_GZIP.equals(mediaType);
  }

  /** True for a zstd-compressed layer of either family. */
  public static boolean isZstdLayer(String mediaType) {
    return OCI_LAYER_ZSTD.equals(mediaType) || DOCKER_LAYER_ZSTD.equals(mediaType);
  }

  /** True for any layer type: uncompressed, gzip or zstd. */
  public static boolean isLayer(String mediaType) {
    return OCI_LAYER_TAR.equals(mediaType)
        || "application/vnd.docker.image.rootfs.diff.tar".equals(mediaType)
        || isGzipLayer(mediaType)
        || isZstdLayer(mediaType);
  }

  /** True for a Docker schema2 type (manifest, list, config or layer). */
  public static boolean isDocker(String mediaType) {
    return mediaType != null && mediaType.startsWith("application/vnd.docker.");
  }

  /**
   * The layer media type for {@code compression} ({@code "gzip"}, {@code "zstd"} or {@code ""}) in
   * the family of {@code manifestMediaType}. Docker manifests get Docker layer types.
   */
  public static String layerType(String manifestMediaType, String compression) {
    boolean docker = isDocker(manifestMediaType);
    return switch (compression) {
      case "gzip" -> docker ? DOCKER_LAYER_GZIP : OCI_LAYER_GZIP;
      case "zstd" -> docker ? DOCKER_LAYER_ZSTD : OCI_LAYER_ZSTD;
      case "" -> docker ? "application/vnd.docker.image.rootfs.diff.tar" : OCI_LAYER_TAR;
      default ->
          throw new IllegalArgumentException(
              "layer media type: unknown compression " + compression);
    };
  }
}
