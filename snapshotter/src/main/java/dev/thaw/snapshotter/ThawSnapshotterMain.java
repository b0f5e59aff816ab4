package dev.thaw.snapshotter;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of {@code thaw-snapshotter}. Subcommands: {@code serve} (the daemon), {@code mount}
 * (one layer mounted lazily, by hand), {@code profile} (start-up access profiles) and {@code pull}
 * (a lazy pull through containerd's CRI). Exit code 0 on success, 1 on failure with one line on
 * stderr (the stack trace only with {@code --debug}), 2 on a usage error.
 */
@Command(
    name = "thaw-snapshotter",
    mixinStandardHelpOptions = true,
    version = "thaw-snapshotter 0.1.0",
    description = "containerd snapshotter for lazy image pulls.",
    subcommands = {
      ServeCommand.class,
      dev.thaw.snapshotter.remote.MountCommand.class,
      dev.thaw.snapshotter.profile.ProfileCommand.class,
      dev.thaw.snapshotter.cri.PullCommand.class
    })
public final class ThawSnapshotterMain {

  // held strongly: JUL forgets the level of a logger nobody references
  private static final Logger NETTY_BOOTSTRAP =
      Logger.getLogger("io.netty.bootstrap.ServerBootstrap");
  private static final Logger NETTY_CLIENT_BOOTSTRAP =
      Logger.getLogger("io.netty.bootstrap.Bootstrap");

  @Option(
      names = "--debug",
      description = "Print stack traces of failures.",
      scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  private ThawSnapshotterMain() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  static int run(String... args) {
    configureLogging("info");
    ThawSnapshotterMain main = new ThawSnapshotterMain();
    CommandLine cli = new CommandLine(main);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (main.debug) {
        e.printStackTrace(cmd.getErr());
      }
      cmd.getErr().println("thaw-snapshotter: " + (e.getMessage() == null ? e : e.getMessage()));
      return 1;
    });
    return cli.execute(args);
  }

  /** One line per record on stderr: time, level, logger, message. */
  static void configureLogging(String level) {
    System.setProperty(
        "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    Level jul =
        switch (level.toLowerCase(Locale.ROOT)) {
          case "error" -> Level.SEVERE;
          case "warn" -> Level.WARNING;
          case "debug" -> Level.FINE;
          default -> Level.INFO;
        };
    Logger rootLogger = Logger.getLogger("");
    for (Handler h : rootLogger.getHandlers()) {
      rootLogger.removeHandler(h);
    }
    ConsoleHandler handler = new ConsoleHandler();
    handler.setFormatter(new java.util.logging.SimpleFormatter());
    handler.setLevel(jul);
    rootLogger.addHandler(handler);
    rootLogger.setLevel(jul);
    // gRPC asks every child channel for SO_KEEPALIVE, which Unix sockets lack: one warning per
    // connection from containerd (and one per connection `pull` makes to it), not worth reading.
    NETTY_BOOTSTRAP.setLevel(Level.SEVERE);
    NETTY_CLIENT_BOOTSTRAP.setLevel(Level.SEVERE);
  }
}
