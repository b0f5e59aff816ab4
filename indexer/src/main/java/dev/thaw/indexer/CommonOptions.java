package dev.thaw.indexer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every subcommand takes: registry access and {@code --debug}. Set by picocli. */
final class CommonOptions {
  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST",
      description = "Use plain HTTP (and accept any TLS certificate) for HOST[:PORT]; repeatable.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--docker-config",
      paramLabel = "PATH",
      description =
          "Docker config.json with registry credentials"
              + " (default: $DOCKER_CONFIG/config.json or ~/.docker/config.json).")
  Path dockerConfig;

  @Option(names = "--debug", description = "Print stack traces of failures.")
  boolean debug;
}
