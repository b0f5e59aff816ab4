package dev.thaw.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI image index or a Docker manifest list: manifests per platform. Keeps its exact bytes and
 * raw JSON tree like {@link Manifest}, so rewrites preserve unknown fields.
 *
 * <p>Immutable.
 */
public final class ImageIndex {
  private final byte[] bytes;
  private final ObjectNode tree;
  private final String mediaType;
  private final Digest digest;
  private final List<Descriptor> manifests;
  private final Map<String, String> annotations;

  private ImageIndex(byte[] bytes, ObjectNode tree, String mediaType) throws OciFormatException {
    this.bytes = bytes;
    this.tree = tree;
    this.mediaType = mediaType;
    this.digest = Digest.sha256(bytes);
    String what = "index " + digest.shortForm();
    if (!MediaTypes.isIndex(mediaType)) {
      throw new OciFormatException("parse " + what + ": " + mediaType + " is not an index type");
    }
    if (tree.path("schemaVersion").asInt() != 2) {
      throw new OciFormatException("parse " + what + ": schemaVersion is not 2");
    }
    JsonNode nodes = tree.get("manifests");
    if (nodes == null || !nodes.isArray()) {
      throw new OciFormatException("parse " + what + ": manifests missing or not an array");
    }
    List<Descriptor> list = new ArrayList<>();
    for (JsonNode n : nodes) {
      list.add(Descriptor.fromJson(n, what + " manifest " + list.size()));
    }
    this.manifests = List.copyOf(list);
    this.annotations = Map.copyOf(Json.stringMap(tree.get("annotations"), what + " annotations"));
  }

  /**
   * Parses an index whose media type is known from elsewhere; the document's own {@code mediaType}
   * field wins if present.
   *
   * @throws OciFormatException if the bytes are not a valid index
   */
  public static ImageIndex parse(byte[] bytes, String mediaType) throws OciFormatException {
    byte[] copy = bytes.clone();
    ObjectNode tree = Json.parseObject(copy, "index");
    String type = tree.path("mediaType").asText("");
    return new ImageIndex(copy, tree, type.isEmpty() ? mediaType : type);
  }

  /** Parses an index; an absent {@code mediaType} field means OCI. */
  public static ImageIndex parse(byte[] bytes) throws OciFormatException {
    return parse(bytes, MediaTypes.OCI_INDEX);
  }

  /** Builds a new index of {@code mediaType} with these manifests and annotations. */
  public static ImageIndex of(
      String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
    ObjectNode tree = Json.MAPPER.createObjectNode();
    tree.put("schemaVersion", 2);
    tree.put("mediaType", mediaType);
    ArrayNode arr = tree.putArray("manifests");
    manifests.forEach(m -> arr.add(m.toJson()));
    if (!annotations.isEmpty()) {
      tree.set("annotations", Json.stringMapNode(annotations));
    }
    return rebuild(tree, mediaType);
  }

  private static ImageIndex rebuild(ObjectNode tree, String mediaType) {
    try {
      return new ImageIndex(Json.bytes(tree), tree, mediaType);
    } catch (OciFormatException e) {
      throw new IllegalArgumentException("build index: " + e.getMessage(), e);
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

  /** The manifests, in document order. */
  public List<Descriptor> manifests() {
    return manifests;
  }

  /** The index's annotations. */
  public Map<String, String> annotations() {
    return annotations;
  }

  /** The descriptor of this index's bytes. */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, bytes.length);
  }

  /** The raw content, for storing or pushing. */
  public ManifestContent content() {
    try {
      return ManifestContent.of(bytes, mediaType);
    } catch (OciFormatException e) {
      throw new IllegalStateException("re-read own bytes of index " + digest, e);
    }
  }

  /**
   * The first image manifest for {@code platform}: exact variant match preferred, then a manifest
   * without variant. Entries that are not image manifests (attestations, nested indexes) and
   * entries without platform are skipped.
   */
  public Optional<Descriptor> select(Platform platform) {
    Optional<Descriptor> loose = Optional.empty();
    for (Descriptor d : manifests) {
      if (!MediaTypes.isManifest(d.mediaType()) || d.platform().isEmpty()) {
        continue;
      }
      Platform p = d.platform().get();
      if (!platform.matches(p)) {
        continue;
      }
      if (p.variant().equals(platform.variant())) {
        return Optional.of(d);
      }
      if (loose.isEmpty()) {
        loose = Optional.of(d);
      }
    }
    return loose;
  }

  /** A copy with these manifests; every other field as read. */
  public ImageIndex withManifests(List<Descriptor> newManifests) {
    ObjectNode copy = tree.deepCopy();
    ArrayNode arr = copy.putArray("manifests");
    newManifests.forEach(m -> arr.add(m.toJson()));
    return rebuild(copy, mediaType);
  }

  /** A copy with these annotations (empty removes the field); every other field as read. */
  public ImageIndex withAnnotations(Map<String, String> newAnnotations) {
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
    return "index " + digest + " (" + mediaType + ", " + manifests.size() + " manifests)";
  }
}
