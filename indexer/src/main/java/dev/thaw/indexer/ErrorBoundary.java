package dev.thaw.indexer;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The CLI's one error boundary: a failed command prints one line, {@code thaw-indexer <command>:
 * <message>}, and exits with 1; the stack trace follows only with {@code --debug}.
 *
 * <p>Stateless; thread-safe.
 */
final class ErrorBoundary implements IExecutionExceptionHandler {
  static final int FAILED = 1;

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean debug = cl.getCommand() instanceof ImageCommand c && c.common.debug;
    String line = OneLineMessages.of(ex);
    if (ex instanceof RuntimeException && !debug) {
      line += " (an internal error; rerun with --debug for the stack trace)";
    }
    err.println(cl.getCommandSpec().qualifiedName() + ": " + line);
    if (debug) {
      ex.printStackTrace(err);
    }
    err.flush();
    return FAILED;
  }
}
