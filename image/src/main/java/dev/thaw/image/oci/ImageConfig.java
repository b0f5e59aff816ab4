package dev.thaw.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * An image config (OCI or Docker; same JSON): platform, {@code rootfs.diff_ids} and {@code
 * history}. Keeps the exact bytes and raw tree; {@link #withDiffIds} changes only the diffIDs.
 *
 * <p>Immutable.
 */
public final class ImageConfig {
  private final byte[] bytes;
  private final ObjectNode tree;
  private final Digest digest;
  private final List<Digest> diffIds;
  private final List<History> history;

  /**
   * One {@code history} entry.
   *
   * @param created RFC 3339 time, empty if absent
   * @param createdBy the command, empty if absent
   * @param comment the comment, empty if absent
   * @param emptyLayer true if this step produced no layer
   */
  public record History(String created, String createdBy, String comment, boolean emptyLayer) {}

  private ImageConfig(byte[] bytes, ObjectNode tree) throws OciFormatException {
    this.bytes = bytes;
    this.tree = tree;
    this.digest = Digest.sha256(bytes);
    String what = "config " + digest.shortForm();
    List<Digest> ids = new ArrayList<>();
    JsonNode rootfs = tree.path("rootfs");
    for (JsonNode n : rootfs.path("diff_ids")) {
      try {
        ids.add(Digest.parse(n.asText()));
      } catch (IllegalArgumentException e) {
        throw new OciFormatException("parse " + what + " diff_ids: " + e.getMessage(), e);
      }
    }
    this.diffIds = List.copyOf(ids);
    List<History> hs = new ArrayList<>();
    for (JsonNode h : tree.path("history")) {
      hs.add(
          new History(
              h.path("created").asText(""),
              h.path("created_by").asText(""),
              h.path("comment").asText(""),
              h.path("empty_layer").asBoolean(false)));
    }
    this.history = List.copyOf(hs);
  }

  /**
   * Parses a config.
   *
   * @throws OciFormatException if it is not a JSON object or has malformed diffIDs
   */
  public static ImageConfig parse(byte[] bytes) throws OciFormatException {
    byte[] copy = bytes.clone();
    return new ImageConfig(copy, Json.parseObject(copy, "config"));
  }

  /** A minimal config for {@code platform} with these diffIDs (for test images). */
  public static ImageConfig of(Platform platform, List<Digest> diffIds) {
    ObjectNode tree = platform.toJson();
    ObjectNode rootfs = tree.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode arr = rootfs.putArray("diff_ids");
    diffIds.forEach(d -> arr.add(d.toString()));
    tree.putObject("config");
    return rebuild(tree);
  }

  private static ImageConfig rebuild(ObjectNode tree) {
    try {
      return new ImageConfig(Json.bytes(tree), tree);
    } catch (OciFormatException e) {
      throw new IllegalArgumentException("build config: " + e.getMessage(), e);
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

  /** The uncompressed layer digests, base first. */
  public List<Digest> diffIds() {
    return diffIds;
  }

  /** The history entries. */
  public List<History> history() {
    return history;
  }

  /** The platform the config declares ({@code os}, {@code architecture}, {@code variant}). */
  public Platform platform() {
    return Platform.fromJson(tree);
  }

  /** The descriptor of these bytes under {@code mediaType}. */
  public Descriptor descriptor(String mediaType) {
    return Descriptor.of(mediaType, digest, bytes.length);
  }

  /** A copy with these diffIDs; every other field as read. */
  public ImageConfig withDiffIds(List<Digest> newDiffIds) {
    ObjectNode copy = tree.deepCopy();
    ObjectNode rootfs =
        copy.get("rootfs") instanceof ObjectNode existing ? existing : copy.putObject("rootfs");
    if (!rootfs.has("type")) {
      rootfs.put("type", "layers");
    }
    ArrayNode arr = rootfs.putArray("diff_ids");
    newDiffIds.forEach(d -> arr.add(d.toString()));
    return rebuild(copy);
  }

  @Override
  public String toString() {
    return "config " + digest + " (" + diffIds.size() + " diffIDs)";
  }
}
