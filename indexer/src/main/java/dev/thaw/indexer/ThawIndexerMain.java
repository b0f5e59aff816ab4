package dev.thaw.indexer;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code thaw-indexer} command line: {@code convert SRC DST}, {@code inspect REF} and {@code
 * verify REF}. The only class of the indexer that reads the environment (the terminal, {@code
 * DOCKER_CONFIG}, {@code HOME}); everything else gets what it needs from here.
 *
 * <p>Exit codes: 0 success, 1 the operation failed (one line on stderr naming image, layer and
 * entry; the stack trace only with {@code --debug}), 2 bad usage.
 */
@Command(
    name = "thaw-indexer",
    mixinStandardHelpOptions = true,
    versionProvider = ThawIndexerMain.Version.class,
    description =
        "Rewrites OCI images into seekable layers (eStargz, zstd:chunked) for lazy pulls,"
            + " and inspects and verifies them.",
    subcommands = {ConvertCommand.class, InspectCommand.class, VerifyCommand.class})
public final class ThawIndexerMain implements Runnable {
  private final boolean terminal;
  private final Path defaultDockerConfig;
  private final Path tempDirectory;

  @Spec CommandSpec spec;

  ThawIndexerMain(boolean terminal, Path defaultDockerConfig, Path tempDirectory) {
    this.terminal = terminal;
    this.defaultDockerConfig = defaultDockerConfig;
    this.tempDirectory = tempDirectory;
  }

  /** Runs the CLI and exits the JVM with its exit code. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(args, out, err, System.console() != null, System.getenv());
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs the CLI in-process (tests call this) and returns the exit code.
   *
   * @param args the command line
   * @param out where results go (inspect's report, convert's final reference)
   * @param err where progress and errors go
   * @param terminal true to draw a progress bar, false for plain log lines
   * @param env the environment ({@code DOCKER_CONFIG}, {@code HOME})
   */
  public static int run(
      String[] args, PrintWriter out, PrintWriter err, boolean terminal, Map<String, String> env) {
    return commandLine(out, err, terminal, env).execute(args);
  }

  static CommandLine commandLine(
      PrintWriter out, PrintWriter err, boolean terminal, Map<String, String> env) {
    CommandLine cl =
        new CommandLine(new ThawIndexerMain(terminal, dockerConfig(env), tempDirectory(env)));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new ErrorBoundary());
    return cl;
  }

  /** {@code $TMPDIR}, else {@code java.io.tmpdir}: where convert stages the new image. */
  private static Path tempDirectory(Map<String, String> env) {
    String dir = env.get("TMPDIR");
    return Path.of(dir != null && !dir.isEmpty() ? dir : System.getProperty("java.io.tmpdir"));
  }

  /** {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
  private static Path dockerConfig(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    if (dir != null && !dir.isEmpty()) {
      return Path.of(dir, "config.json");
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home, ".docker", "config.json");
  }

  boolean terminal() {
    return terminal;
  }

  Path tempDirectory() {
    return tempDirectory;
  }

  Path defaultDockerConfig() {
    return defaultDockerConfig;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required: convert, inspect or verify");
  }

  /** The version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ThawIndexerMain.class.getPackage().getImplementationVersion();
      return new String[] {"thaw-indexer " + (v == null ? "(development build)" : v)};
    }
  }
}
