package dev.thaw.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An OCI content descriptor: what a manifest or index says about one blob or manifest.
 *
 * <p>Fields the model does not know ({@code data}, vendor extensions) are kept in {@code
 * unknownFields} and written back unchanged. Immutable.
 *
 * @param mediaType the referenced content's media type
 * @param digest the referenced content's digest
 * @param size the referenced content's size in bytes
 * @param annotations annotations, sorted by key
 * @param urls alternative download URLs (non-distributable layers)
 * @param platform the platform of a manifest inside an index
 * @param artifactType the OCI {@code artifactType}, empty if none
 * @param unknownFields every other field, by name, as read
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Map<String, String> annotations,
    List<String> urls,
    Optional<Platform> platform,
    String artifactType,
    Map<String, JsonNode> unknownFields) {
  private static final Set<String> KNOWN =
      Set.of("mediaType", "digest", "size", "annotations", "urls", "platform", "artifactType");

  /** Validates and copies. */
  public Descriptor {
    if (mediaType == null || mediaType.isEmpty()) {
      throw new IllegalArgumentException("descriptor of " + digest + ": mediaType is required");
    }
    if (digest == null) {
      throw new IllegalArgumentException("descriptor: digest is required");
    }
    if (size < 0) {
      throw new IllegalArgumentException("descriptor of " + digest + ": negative size " + size);
    }
    annotations =
        Collections.unmodifiableMap(new TreeMap<>(annotations == null ? Map.of() : annotations));
    urls = urls == null ? List.of() : List.copyOf(urls);
    platform = platform == null ? Optional.empty() : platform;
    artifactType = artifactType == null ? "" : artifactType;
    Map<String, JsonNode> copy = new LinkedHashMap<>();
    if (unknownFields != null) {
      unknownFields.forEach((k, v) -> copy.put(k, v.deepCopy()));
    }
    unknownFields = Collections.unmodifiableMap(copy);
  }

  /** A plain descriptor with no annotations. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(
        mediaType, digest, size, Map.of(), List.of(), Optional.empty(), "", Map.of());
  }

  /** The descriptor of {@code content} under {@code mediaType}. */
  public static Descriptor ofContent(String mediaType, byte[] content) {
    return of(mediaType, Digest.sha256(content), content.length);
  }

  /** A copy with a different digest and size (for a rewritten blob); the rest kept. */
  public Descriptor withContent(String newMediaType, Digest newDigest, long newSize) {
    return new Descriptor(
        newMediaType, newDigest, newSize, annotations, urls, platform, artifactType, unknownFields);
  }

  /** A copy with these annotations instead. */
  public Descriptor withAnnotations(Map<String, String> newAnnotations) {
    return new Descriptor(
        mediaType, digest, size, newAnnotations, urls, platform, artifactType, unknownFields);
  }

  /** A copy with {@code key=value} added or replaced. */
  public Descriptor withAnnotation(String key, String value) {
    Map<String, String> m = new TreeMap<>(annotations);
    m.put(key, value);
    return withAnnotations(m);
  }

  /** A copy with this platform. */
  public Descriptor withPlatform(Platform newPlatform) {
    return new Descriptor(
        mediaType,
        digest,
        size,
        annotations,
        urls,
        Optional.of(newPlatform),
        artifactType,
        unknownFields);
  }

  /** The annotation value, if present. */
  public Optional<String> annotation(String key) {
    return Optional.ofNullable(annotations.get(key));
  }

  /**
   * Reads a descriptor object.
   *
   * @param what names the enclosing document in error messages
   * @throws OciFormatException on missing or malformed required fields
   */
  public static Descriptor fromJson(JsonNode node, String what) throws OciFormatException {
    if (node == null || !node.isObject()) {
      throw new OciFormatException("parse " + what + ": descriptor is not a JSON object");
    }
    String mediaType = Json.requiredText(node, "mediaType", what);
    Digest digest = Json.digest(node, "digest", what);
    JsonNode size = node.get("size");
    if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
      throw new OciFormatException(
          "parse " + what + ": descriptor " + digest + " has no valid size");
    }
    List<String> urls = new ArrayList<>();
    node.path("urls").forEach(u -> urls.add(u.asText()));
    Optional<Platform> platform = Optional.empty();
    if (node.has("platform")) {
      try {
        platform = Optional.of(Platform.fromJson(node.get("platform")));
      } catch (IllegalArgumentException e) {
        throw new OciFormatException(
            "parse " + what + ": descriptor " + digest + ": " + e.getMessage(), e);
      }
    }
    Map<String, JsonNode> unknown = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!KNOWN.contains(e.getKey())) {
        unknown.put(e.getKey(), e.getValue());
      }
    }
    return new Descriptor(
        mediaType,
        digest,
        size.asLong(),
        Json.stringMap(node.get("annotations"), what + " descriptor " + digest + " annotations"),
        urls,
        platform,
        node.path("artifactType").asText(""),
        unknown);
  }

  /** The JSON form; empty optional fields are omitted, unknown fields written back. */
  public ObjectNode toJson() {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("mediaType", mediaType);
    node.put("digest", digest.toString());
    node.put("size", size);
    if (!urls.isEmpty()) {
      urls.forEach(node.putArray("urls")::add);
    }
    if (!annotations.isEmpty()) {
      node.set("annotations", Json.stringMapNode(annotations));
    }
    platform.ifPresent(p -> node.set("platform", p.toJson()));
    if (!artifactType.isEmpty()) {
      node.put("artifactType", artifactType);
    }
    unknownFields.forEach((k, v) -> node.set(k, v.deepCopy()));
    return node;
  }

  @Override
  public String toString() {
    return mediaType + " " + digest + " (" + size + " bytes)";
  }
}
