package dev.thaw.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A single-platform image manifest, OCI ({@code application/vnd.oci.image.manifest.v1+json}) or
 * Docker schema 2. Keeps the exact bytes it was parsed from (its digest is over them) and the raw
 * JSON tree, so a rewrite ({@link #withLayers}, {@link #withConfig}, {@link #withAnnotations})
 * changes only those fields and preserves everything else.
 *
 * <p>Immutable.
 */
public final class Manifest {
  private final byte[] bytes;
  private final ObjectNode tree;
  private final String mediaType;
  private final Digest digest;
  private final Descriptor config;
  private final List<Descriptor> layers;
  private final Map<String, String> annotations;
  private final Optional<Descriptor> subject;

  private Manifest(byte[] bytes, ObjectNode tree, String mediaType) throws OciFormatException {
    this.bytes = bytes;
    this.tree = tree;
    this.mediaType = mediaType;
    this.digest = Digest.sha256(bytes);
    String what = "manifest " + digest.shortForm();
    if (MediaTypes.isIndex(mediaType)) {
      throw new OciFormatException(
          "parse " + what + ": is an index (" + mediaType + "), not a manifest");
    }
    if (tree.path("schemaVersion").asInt() != 2) {
      throw new OciFormatException("parse " + what + ": schemaVersion is not 2");
    }
    this.config = Descriptor.fromJson(tree.get("config"), what + " config");
    List<Descriptor> list = new ArrayList<>();
    JsonNode layerNodes = tree.get("layers");
    if (layerNodes != null && !layerNodes.isArray()) {
      throw new OciFormatException("parse " + what + ": layers is not an array");
    }
    if (layerNodes != null) {
      for (JsonNode n : layerNodes) {
        list.add(Descriptor.fromJson(n, what + " layer " + list.size()));
      }
    }
    this.layers = List.copyOf(list);
    this.annotations = Map.copyOf(Json.stringMap(tree.get("annotations"), what + " annotations"));
    this.subject =
        tree.has("subject")
            ? Optional.of(Descriptor.fromJson(tree.get("subject"), what + " subject"))
            : Optional.empty();
  }

  /**
   * Parses a manifest; the media type comes from its {@code mediaType} field, or OCI if absent.
   *
   * @throws OciFormatException if the bytes are not a valid manifest
   */
  public static Manifest parse(byte[] bytes) throws OciFormatException {
    return ManifestContent.of(bytes, null).asManifest();
  }

  /**
   * Parses a manifest whose media type is known from elsewhere (an HTTP header, a descriptor). The
   * document's own {@code mediaType} field wins if present.
   */
  public static Manifest parse(byte[] bytes, String mediaType) throws OciFormatException {
    byte[] copy = bytes.clone();
    ObjectNode tree = Json.parseObject(copy, "manifest");
    String type = tree.path("mediaType").asText("");
    return new Manifest(copy, tree, type.isEmpty() ? mediaType : type);
  }

  /**
   * Builds a new manifest. OCI manifests get a {@code mediaType} field too (allowed by the spec,
   * and what containerd and buildkit write).
   */
  public static Manifest of(
      String mediaType,
      Descriptor config,
      List<Descriptor> layers,
      Map<String, String> annotations) {
    if (!MediaTypes.isManifest(mediaType)) {
      throw new IllegalArgumentException(
          "build manifest: " + mediaType + " is not a manifest type");
    }
    ObjectNode tree = Json.MAPPER.createObjectNode();
    tree.put("schemaVersion", 2);
    tree.put("mediaType", mediaType);
    tree.set("config", config.toJson());
    ArrayNode arr = tree.putArray("layers");
    layers.forEach(l -> arr.add(l.toJson()));
    if (!annotations.isEmpty()) {
      tree.set("annotations", Json.stringMapNode(annotations));
    }
    return rebuild(tree, mediaType);
  }

  private static Manifest rebuild(ObjectNode tree, String mediaType) {
    try {
      return new Manifest(Json.bytes(tree), tree, mediaType);
    } catch (OciFormatException e) {
      throw new IllegalArgumentException("build manifest: " + e.getMessage(), e);
    }
  }

  /** A copy of the exact bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The sha256 of {@link #bytes()}. */
  public Digest digest() {
    return digest;
  }

  /** The media type. */
  public String mediaType() {
    return mediaType;
  }

  /** The config descriptor. */
  public Descriptor config() {
    return config;
  }

  /** The layers, base first. */
  public List<Descriptor> layers() {
    return layers;
  }

  /** The manifest's annotations. */
  public Map<String, String> annotations() {
    return annotations;
  }

  /** The {@code subject} (referrers API), if any. */
  public Optional<Descriptor> subject() {
    return subject;
  }

  /** The descriptor of this manifest's bytes. */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, bytes.length);
  }

  /** The raw content, for storing or pushing. */
  public ManifestContent content() {
    try {
      return ManifestContent.of(bytes, mediaType);
    } catch (OciFormatException e) {
      throw new IllegalStateException("re-read own bytes of manifest " + digest, e);
    }
  }

  /** A copy with these layers; every other field as read. */
  public Manifest withLayers(List<Descriptor> newLayers) {
    ObjectNode copy = tree.deepCopy();
    ArrayNode arr = copy.putArray("layers");
    newLayers.forEach(l -> arr.add(l.toJson()));
    return rebuild(copy, mediaType);
  }

  /** A copy with this config descriptor; every other field as read. */
  public Manifest withConfig(Descriptor newConfig) {
    ObjectNode copy = tree.deepCopy();
    copy.set("config", newConfig.toJson());
    return rebuild(copy, mediaType);
  }

  /** A copy with these annotations (empty removes the field); every other field as read. */
  public Manifest withAnnotations(Map<String, String> newAnnotations) {
    ObjectNode copy = tree.deepCopy();
    if (newAnnotations.isEmpty()) {
      copy.remove("annotations");
    } else {
      copy.set("annotations", Json.stringMapNode(newAnnotations));
    }
    return rebuild(copy, mediaType);
  }

  @Override
  public String toString() {
    return "manifest " + digest + " (" + mediaType + ", " + layers.size() + " layers)";
  }
}
