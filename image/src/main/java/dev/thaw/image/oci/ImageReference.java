package dev.thaw.image.oci;

/**
 * Where an image lives: in a registry ({@code host/repo:tag}, {@code host/repo@sha256:…}) or in an
 * OCI image layout directory ({@code oci:DIR[:tag]}).
 *
 * <p>Implementations are immutable.
 */
public sealed interface ImageReference permits RegistryReference, LayoutReference {

  /**
   * Parses a reference: {@code oci:DIR[:tag]} is a layout, anything else a registry reference (see
   * {@link RegistryReference#parse}).
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  static ImageReference parse(String text) {
    if (text.startsWith(LayoutReference.PREFIX)) {
      return LayoutReference.parse(text);
    }
    return RegistryReference.parse(text);
  }
}
