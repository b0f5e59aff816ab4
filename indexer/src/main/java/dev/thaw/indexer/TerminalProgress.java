package dev.thaw.indexer;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place with carriage returns (at most ten times a second); task
 * ends and log lines are printed above it. Thread-safe (synchronized).
 */
final class TerminalProgress implements Progress {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private String what = "";
  private long total;
  private long done;
  private long started = System.nanoTime();
  private long lastDraw;
  private int running;

  TerminalProgress(PrintWriter err) {
    this.err = err;
  }

  @Override
  public synchronized void begin(String what, long totalBytes) {
    this.what = what;
    this.total = totalBytes;
    this.done = 0;
    this.started = System.nanoTime();
    draw();
  }

  @Override
  public synchronized void advance(long bytes) {
    done += bytes;
    long now = System.nanoTime();
    if (now - lastDraw >= REDRAW_NANOS) {
      draw();
    }
  }

  @Override
  public synchronized void taskStarted(String task, long bytes) {
    running++;
    draw();
  }

  @Override
  public synchronized void taskFinished(String task, String summary) {
    running--;
    above(task + ": " + summary);
  }

  @Override
  public synchronized void log(String line) {
    above(line);
  }

  @Override
  public synchronized void close() {
    draw();
    err.print('\n');
    err.flush();
  }

  private void above(String line) {
    err.print("\r\033[K" + line + "\n");
    draw();
  }

  private void draw() {
    lastDraw = System.nanoTime();
    double fraction = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    double seconds = Math.max(1e-3, (lastDraw - started) / 1e9);
    String rate = ByteSizeConverter.format((long) (done / seconds)) + "/s";
    err.print(
        String.format(
            Locale.ROOT,
            "\r\033[K%s [%s%s] %3.0f%% %s / %s %s, %d running",
            what,
            "#".repeat(filled),
            "-".repeat(WIDTH - filled),
            fraction * 100,
            ByteSizeConverter.format(done),
            ByteSizeConverter.format(total),
            rate,
            running));
    err.flush();
  }
}
