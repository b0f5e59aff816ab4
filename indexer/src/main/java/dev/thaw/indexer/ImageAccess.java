package dev.thaw.indexer;

import dev.thaw.image.oci.ImageReference;
import dev.thaw.image.oci.LayoutReference;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.DockerConfigCredentials;
import dev.thaw.image.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens image references ({@code host/repo:tag}, {@code host/repo@digest}, {@code oci:DIR[:tag]})
 * for reading and pushing, with the registry settings of the command line. Builds its registry
 * client on first use.
 *
 * <p>Confined to one thread (the command's); the inputs and outputs it opens are thread-safe.
 */
final class ImageAccess {
  private final List<String> insecureRegistries;
  private final Path dockerConfig;
  private RegistryClient client;

  ImageAccess(List<String> insecureRegistries, Path dockerConfig) {
    this.insecureRegistries = List.copyOf(insecureRegistries);
    this.dockerConfig = dockerConfig;
  }

  /** Opens {@code reference} to read. */
  ImageInput open(String reference) throws IOException {
    return switch (parse(reference)) {
      case RegistryReference r -> new RegistryImageInput(client(), r);
      case LayoutReference l -> LayoutImages.input(l);
    };
  }

  /** Opens {@code reference} to push to. */
  ImageOutput openForPush(String reference) throws IOException {
    return switch (parse(reference)) {
      case RegistryReference r -> new RegistryImageOutput(client(), r);
      case LayoutReference l -> LayoutImages.output(l);
    };
  }

  private static ImageReference parse(String reference) throws IOException {
    try {
      return ImageReference.parse(reference);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private RegistryClient client() throws IOException {
    if (client == null) {
      RegistryClient.Builder b =
          RegistryClient.builder().credentials(DockerConfigCredentials.load(dockerConfig));
      insecureRegistries.forEach(b::insecureRegistry);
      client = b.build();
    }
    return client;
  }
}
