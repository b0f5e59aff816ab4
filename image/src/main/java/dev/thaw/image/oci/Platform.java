package dev.thaw.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An OCI platform: {@code os}, {@code architecture}, optional {@code variant}, {@code os.version}
 * and {@code os.features}.
 *
 * <p>Immutable.
 *
 * @param os operating system, e.g. {@code linux}
 * @param architecture CPU architecture in Go's naming, e.g. {@code amd64}, {@code arm64}
 * @param variant CPU variant, e.g. {@code v8}; empty if none
 * @param osVersion the {@code os.version} field; empty if none
 * @param osFeatures the {@code os.features} field
 */
public record Platform(
    String os, String architecture, String variant, String osVersion, List<String> osFeatures) {

  /** Validates and copies. */
  public Platform {
    if (os == null || os.isEmpty() || architecture == null || architecture.isEmpty()) {
      throw new IllegalArgumentException(
          "platform: os and architecture are required, got " + os + "/" + architecture);
    }
    variant = variant == null ? "" : variant;
    osVersion = osVersion == null ? "" : osVersion;
    osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
  }

  /** A platform without version or features. */
  public static Platform of(String os, String architecture, String variant) {
    return new Platform(os, architecture, variant, "", List.of());
  }

  /**
   * Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}.
   *
   * @throws IllegalArgumentException on anything else
   */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException("parse platform '" + text + "': want os/arch[/variant]");
    }
    return of(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
  }

  /** The platform of the running JVM, in Go's naming ({@code linux/amd64}, {@code linux/arm64}). */
  public static Platform current() {
    String arch =
        switch (System.getProperty("os.arch")) {
          case "amd64", "x86_64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          case "ppc64le" -> "ppc64le";
          case "s390x" -> "s390x";
          case "riscv64" -> "riscv64";
          default -> System.getProperty("os.arch");
        };
    return of("linux", arch, "");
  }

  /**
   * True if an image for {@code candidate} runs here: same os and architecture, and the variant
   * matches when this platform names one (an arm64 image without variant matches {@code v8}).
   */
  public boolean matches(Platform candidate) {
    if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) {
      return false;
    }
    if (variant.isEmpty() || candidate.variant.isEmpty()) {
      return true;
    }
    return variant.equals(candidate.variant);
  }

  /** Reads the JSON form used in descriptors and configs. */
  public static Platform fromJson(JsonNode node) {
    List<String> features = new ArrayList<>();
    node.path("os.features").forEach(f -> features.add(f.asText()));
    return new Platform(
        node.path("os").asText(""),
        node.path("architecture").asText(""),
        node.path("variant").asText(""),
        node.path("os.version").asText(""),
        features);
  }

  /** The JSON form, omitting empty optional fields. */
  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("architecture", architecture);
    node.put("os", os);
    if (!osVersion.isEmpty()) {
      node.put("os.version", osVersion);
    }
    if (!osFeatures.isEmpty()) {
      osFeatures.forEach(node.putArray("os.features")::add);
    }
    if (!variant.isEmpty()) {
      node.put("variant", variant);
    }
    return node;
  }

  /** The variant, if any. */
  public Optional<String> variantIfPresent() {
    return variant.isEmpty() ? Optional.empty() : Optional.of(variant);
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
  }
}
