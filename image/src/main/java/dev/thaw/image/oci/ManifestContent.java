package dev.thaw.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The exact bytes of a manifest or index as stored, with its media type, before deciding which of
 * the two it is. The digest is computed over these bytes.
 *
 * <p>Immutable (the bytes are copied in and out).
 */
public final class ManifestContent {
  private final String mediaType;
  private final byte[] bytes;
  private final Digest digest;

  private ManifestContent(String mediaType, byte[] bytes) {
    this.mediaType = mediaType;
    this.bytes = bytes.clone();
    this.digest = Digest.sha256(this.bytes);
  }

  /**
   * Wraps fetched bytes. The media type is the document's own {@code mediaType} field if it has
   * one, else {@code contentType} (the HTTP header, may be null) if it names a manifest or index
   * type, else inferred: a {@code manifests} array means an OCI index, otherwise an OCI manifest.
   *
   * @throws OciFormatException if the bytes are not a JSON object
   */
  public static ManifestContent of(byte[] bytes, String contentType) throws OciFormatException {
    ObjectNode tree = Json.parseObject(bytes, "manifest");
    JsonNode field = tree.get("mediaType");
    String type;
    if (field != null && field.isTextual() && !field.asText().isEmpty()) {
      type = field.asText();
    } else if (contentType != null
        && (MediaTypes.isIndex(stripParams(contentType))
            || MediaTypes.isManifest(stripParams(contentType)))) {
      type = stripParams(contentType);
    } else {
      type = tree.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
    return new ManifestContent(type, bytes);
  }

  private static String stripParams(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
  }

  /** The media type. */
  public String mediaType() {
    return mediaType;
  }

  /** A copy of the exact bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The sha256 of the bytes. */
  public Digest digest() {
    return digest;
  }

  /** The byte count. */
  public long size() {
    return bytes.length;
  }

  /** True for an OCI index or a Docker manifest list. */
  public boolean isIndex() {
    return MediaTypes.isIndex(mediaType);
  }

  /** The descriptor of these bytes. */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, bytes.length);
  }

  /**
   * Parses as an image manifest.
   *
   * @throws OciFormatException if this is an index or not a valid manifest
   */
  public Manifest asManifest() throws OciFormatException {
    return Manifest.parse(bytes, mediaType);
  }

  /**
   * Parses as an index.
   *
   * @throws OciFormatException if this is a manifest or not a valid index
   */
  public ImageIndex asIndex() throws OciFormatException {
    return ImageIndex.parse(bytes, mediaType);
  }

  @Override
  public String toString() {
    return mediaType + " " + digest;
  }
}
