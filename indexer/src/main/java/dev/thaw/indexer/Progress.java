package dev.thaw.indexer;

import java.io.PrintWriter;

/**
 * Reports what a long operation is doing: a redrawn bar on a terminal ({@link TerminalProgress}),
 * plain log lines otherwise ({@link LogLineProgress}).
 *
 * <p>Implementations are thread-safe: layer tasks report concurrently.
 */
interface Progress extends AutoCloseable {
  /** Sets the number of bytes the whole operation will read. */
  void begin(String what, long totalBytes);

  /** Adds {@code bytes} read by some task. */
  void advance(long bytes);

  /** A task (one layer) starts. */
  void taskStarted(String task, long bytes);

  /** A task finished; {@code summary} says with what result. */
  void taskFinished(String task, String summary);

  /** A free-form line. */
  void log(String line);

  /** Ends the display (the bar's last state stays on screen). */
  @Override
  void close();

  /** The implementation for this output: a bar if {@code terminal}, log lines otherwise. */
  static Progress forOutput(PrintWriter err, boolean terminal) {
    return terminal ? new TerminalProgress(err) : new LogLineProgress(err);
  }
}
