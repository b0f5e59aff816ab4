package dev.thaw.image.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** The one JSON mapper of the OCI model, and tree helpers. Thread-safe (the mapper is). */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** Parses {@code bytes} as a JSON object; {@code what} names the document in errors. */
  static ObjectNode parseObject(byte[] bytes, String what) throws OciFormatException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new OciFormatException("parse " + what + ": not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new OciFormatException("parse " + what + ": " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new OciFormatException("parse " + what + ": not a JSON object");
    }
    return (ObjectNode) node;
  }

  /** Compact UTF-8 bytes of {@code node}. */
  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("serialize JSON tree", e);
    }
  }

  /** A string-to-string map field; absent or null gives an empty map. Sorted by key. */
  static Map<String, String> stringMap(JsonNode node, String what) throws OciFormatException {
    Map<String, String> out = new TreeMap<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new OciFormatException("parse " + what + ": not a JSON object");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw new OciFormatException(
            "parse " + what + ": value of '" + e.getKey() + "' not a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** Writes a string map as an object node (keys in sorted order). */
  static ObjectNode stringMapNode(Map<String, String> map) {
    ObjectNode node = MAPPER.createObjectNode();
    new TreeMap<>(map).forEach(node::put);
    return node;
  }

  /** A required text field. */
  static String requiredText(JsonNode parent, String field, String what) throws OciFormatException {
    JsonNode v = parent.get(field);
    if (v == null || !v.isTextual()) {
      throw new OciFormatException(
          "parse " + what + ": field '" + field + "' missing or not a string");
    }
    return v.asText();
  }

  /** Parses a digest field, translating bad values into {@link OciFormatException}. */
  static Digest digest(JsonNode parent, String field, String what) throws OciFormatException {
    String text = requiredText(parent, field, what);
    try {
      return Digest.parse(text);
    } catch (IllegalArgumentException e) {
      throw new OciFormatException("parse " + what + ": " + e.getMessage(), e);
    }
  }
}
