package dev.thaw.image.oci;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * An image in an OCI image layout directory, {@code oci:DIR[:tag]}. The tag selects the {@code
 * index.json} entry whose {@code org.opencontainers.image.ref.name} annotation equals it; an empty
 * tag means the only entry.
 *
 * <p>Immutable.
 *
 * @param directory the layout directory
 * @param tag the ref name, empty if none was given
 */
public record LayoutReference(Path directory, String tag) implements ImageReference {
  /** The text prefix of a layout reference. */
  public static final String PREFIX = "oci:";

  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}");

  /** Validates. */
  public LayoutReference {
    if (directory == null || directory.toString().isEmpty()) {
      throw new IllegalArgumentException("layout reference: directory is required");
    }
    tag = tag == null ? "" : tag;
    if (!tag.isEmpty() && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "layout reference " + directory + ": bad tag '" + tag + "'");
    }
  }

  /**
   * Parses {@code oci:DIR[:tag]}. The text after the last colon is a tag if it is a valid tag and
   * contains no slash; otherwise it is part of the directory.
   */
  public static LayoutReference parse(String text) {
    if (!text.startsWith(PREFIX) || text.length() == PREFIX.length()) {
      throw new IllegalArgumentException(
          "parse layout reference '" + text + "': want oci:DIR[:tag]");
    }
    String rest = text.substring(PREFIX.length());
    int colon = rest.lastIndexOf(':');
    if (colon > 0) {
      String candidate = rest.substring(colon + 1);
      if (TAG.matcher(candidate).matches()) {
        return new LayoutReference(Path.of(rest.substring(0, colon)), candidate);
      }
    }
    return new LayoutReference(Path.of(rest), "");
  }

  /** The same layout with another tag. */
  public LayoutReference withTag(String newTag) {
    return new LayoutReference(directory, newTag);
  }

  @Override
  public String toString() {
    return PREFIX + directory + (tag.isEmpty() ? "" : ":" + tag);
  }
}
