package dev.thaw.snapshotter;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the integration tests start {@code thaw-snapshotter} as its own process: the shaded jar the
 * build made, with the daemon's JVM flags as shipped in {@code bin/thaw-snapshotter.jvm-options}.
 */
public final class DaemonJar {
  private DaemonJar() {}

  /** {@code java @jvm-options -jar JAR}, to which the subcommand and its arguments are added. */
  public static List<String> command() throws IOException {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + jvmOptions(),
        "-jar",
        path().toString());
  }

  /** The shaded jar, built by {@code mvn package} before the ITs run. */
  public static Path path() throws IOException {
    Path target = Path.of("target").toAbsolutePath();
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(target, "thaw-snapshotter-*-all.jar")) {
      for (Path p : ds) {
        return p;
      }
    }
    throw new IOException(
        "find the shaded jar in " + target + ": none (run through `mvn verify`, not the IDE)");
  }

  /** The daemon's JVM flags as shipped: {@code bin/thaw-snapshotter.jvm-options} of the repo. */
  private static Path jvmOptions() throws IOException {
    Path options =
        Path.of("..", "bin", "thaw-snapshotter.jvm-options").toAbsolutePath().normalize();
    if (!Files.isRegularFile(options)) {
      throw new IOException("find the daemon's JVM flags: no " + options);
    }
    return options;
  }
}
