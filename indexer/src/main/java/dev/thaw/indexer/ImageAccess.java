package dev.thaw.indexer;

import dev.thaw.image.layout.OciLayoutImageSink;
import dev.thaw.image.layout.OciLayoutImageSource;
import dev.thaw.image.oci.ImageReference;
import dev.thaw.image.oci.ImageSink;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.oci.LayoutReference;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.DockerConfigCredentials;
import dev.thaw.image.registry.RegistryClient;
import dev.thaw.image.registry.RegistryImageSink;
import dev.thaw.image.registry.RegistryImageSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens image references ({@code host/repo:tag}, {@code host/repo@digest}, {@code oci:DIR[:tag]})
 * as sources and sinks, with the registry settings of the command line. Builds its registry client
 * on first use.
 *
 * <p>Confined to one thread (the command's); the sources and sinks it opens are thread-safe.
 */
final class ImageAccess {
  private final List<String> insecureRegistries;
  private final Path dockerConfig;

  /** Unused chunk size: with an unreachable threshold no upload is chunked. */
  private static final int MONOLITHIC_CHUNK = 16 << 20;

  private RegistryClient client;

  ImageAccess(List<String> insecureRegistries, Path dockerConfig) {
    this.insecureRegistries = List.copyOf(insecureRegistries);
    this.dockerConfig = dockerConfig;
  }

  /** Parses {@code reference}; a bad one is an {@link IOException} quoting it. */
  static ImageReference parse(String reference) throws IOException {
    try {
      return ImageReference.parse(reference);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Opens {@code reference} to read. */
  ImageSource open(ImageReference reference) throws IOException {
    return switch (reference) {
      case RegistryReference r -> new RegistryImageSource(client(), r);
      case LayoutReference l -> OciLayoutImageSource.open(l);
    };
  }

  /** Opens {@code reference} to write to (a layout directory is created if missing). */
  ImageSink openSink(ImageReference reference) throws IOException {
    return switch (reference) {
      case RegistryReference r -> new RegistryImageSink(client(), r);
      case LayoutReference l -> OciLayoutImageSink.openOrCreate(l);
    };
  }

  private RegistryClient client() throws IOException {
    if (client == null) {
      // Blobs go up as one streamed PUT, as containerd pushes them: on a loopback registry a
      // 1 GiB layer took 10 s that way against 16 s in 16 MiB PATCH chunks (24 s with the
      // JDK's default 16 KiB client buffer; bin/thaw-indexer raises it to 256 KiB).
      RegistryClient.Builder b =
          RegistryClient.builder()
              .credentials(DockerConfigCredentials.load(dockerConfig))
              .chunkedUpload(Long.MAX_VALUE, MONOLITHIC_CHUNK);
      insecureRegistries.forEach(b::insecureRegistry);
      client = b.build();
    }
    return client;
  }
}
