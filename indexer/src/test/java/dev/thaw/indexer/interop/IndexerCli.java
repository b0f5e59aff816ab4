package dev.thaw.indexer.interop;

import dev.thaw.testimages.containerd.Commands;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the packaged {@code thaw-indexer} (the shaded jar in {@code target/}, as {@code
 * bin/thaw-indexer} does) in a child JVM, so the interop tests exercise the real command line.
 * Failsafe runs after {@code package}, so the jar is there. Stateless.
 */
final class IndexerCli {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  private IndexerCli() {}

  /** Runs {@code thaw-indexer args…}; returns stdout, throws with stderr on a non-zero exit. */
  static String run(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    return Commands.check(TIMEOUT, command);
  }

  private static Path jar() throws IOException {
    Path target = Path.of("target").toAbsolutePath();
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "thaw-indexer-*-all.jar")) {
      for (Path jar : jars) {
        return jar;
      }
    }
    throw new IOException(
        "find the packaged thaw-indexer: no thaw-indexer-*-all.jar in "
            + target
            + " (run the tests with `mvn verify`, which packages first)");
  }
}
