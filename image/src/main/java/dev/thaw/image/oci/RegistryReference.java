package dev.thaw.image.oci;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image in a registry: {@code [host[:port]/]repository[:tag][@digest]}, normalized the way
 * docker and containerd do (no host means {@code docker.io}, a one-component repository there gets
 * {@code library/}, neither tag nor digest means {@code latest}).
 *
 * <p>Immutable.
 *
 * @param registry host and optional port, e.g. {@code 127.0.0.1:5001}, {@code docker.io}
 * @param repository the repository path, e.g. {@code library/alpine}
 * @param tag the tag, empty if only a digest was given
 * @param digest the manifest digest, if given
 */
public record RegistryReference(
    String registry, String repository, String tag, Optional<Digest> digest)
    implements ImageReference {
  /** The registry assumed when a reference names none. */
  public static final String DEFAULT_REGISTRY = "docker.io";

  private static final Pattern HOST =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
              + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}");

  /** Validates every part. */
  public RegistryReference {
    if (registry == null || !HOST.matcher(registry).matches()) {
      throw new IllegalArgumentException("image reference: bad registry host '" + registry + "'");
    }
    if (repository == null || repository.isEmpty() || repository.length() > 255) {
      throw new IllegalArgumentException(
          "image reference " + registry + ": bad repository '" + repository + "'");
    }
    for (String c : repository.split("/", -1)) {
      if (!COMPONENT.matcher(c).matches()) {
        throw new IllegalArgumentException(
            "image reference " + registry + "/" + repository + ": bad path component '" + c + "'");
      }
    }
    tag = tag == null ? "" : tag;
    digest = digest == null ? Optional.empty() : digest;
    if (!tag.isEmpty() && !TAG.matcher(tag).matches()) {
      throw new IllegalArgumentException(
          "image reference " + registry + "/" + repository + ": bad tag '" + tag + "'");
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = "latest";
    }
  }

  /**
   * Parses {@code [host[:port]/]repository[:tag][@algorithm:hex]}. The first path component is a
   * host if it contains a dot or a colon or is {@code localhost}.
   *
   * @throws IllegalArgumentException naming the text and the bad part
   */
  public static RegistryReference parse(String text) {
    String rest = text;
    Optional<Digest> digest = Optional.empty();
    int at = rest.indexOf('@');
    try {
      if (at >= 0) {
        digest = Optional.of(Digest.parse(rest.substring(at + 1)));
        rest = rest.substring(0, at);
      }
      String tag = "";
      int slash = rest.lastIndexOf('/');
      int colon = rest.lastIndexOf(':');
      if (colon > slash) {
        tag = rest.substring(colon + 1);
        if (tag.isEmpty()) {
          throw new IllegalArgumentException("empty tag");
        }
        rest = rest.substring(0, colon);
      }
      String registry = DEFAULT_REGISTRY;
      int first = rest.indexOf('/');
      if (first > 0) {
        String head = rest.substring(0, first);
        if (head.contains(".") || head.contains(":") || head.equals("localhost")) {
          registry = head;
          rest = rest.substring(first + 1);
        }
      }
      if (registry.equals("index.docker.io")) {
        registry = DEFAULT_REGISTRY;
      }
      if (registry.equals(DEFAULT_REGISTRY) && !rest.contains("/")) {
        rest = "library/" + rest;
      }
      return new RegistryReference(registry, rest, tag, digest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "parse image reference '" + text + "': " + e.getMessage(), e);
    }
  }

  /**
   * What goes into {@code /v2/<name>/manifests/<reference>}: the digest if there is one, else the
   * tag.
   */
  public String manifestReference() {
    return digest.map(Digest::toString).orElse(tag);
  }

  /** The same repository at {@code newDigest}, keeping the tag for messages. */
  public RegistryReference withDigest(Digest newDigest) {
    return new RegistryReference(registry, repository, tag, Optional.of(newDigest));
  }

  /** The same repository at {@code newTag}, without digest. */
  public RegistryReference withTag(String newTag) {
    return new RegistryReference(registry, repository, newTag, Optional.empty());
  }

  /** The same image in another repository of the same registry. */
  public RegistryReference withRepository(String newRepository) {
    return new RegistryReference(registry, newRepository, tag, digest);
  }

  @Override
  public String toString() {
    return registry
        + "/"
        + repository
        + (tag.isEmpty() ? "" : ":" + tag)
        + digest.map(d -> "@" + d).orElse("");
  }
}
