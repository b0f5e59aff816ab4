package dev.thaw.indexer;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Progress as plain, timestamped log lines, for CI logs and pipes: one line per task start and end
 * and every 10% of the total. Thread-safe (synchronized).
 */
final class LogLineProgress implements Progress {
  private final PrintWriter err;
  private String what = "";
  private long total;
  private long done;
  private int lastTenth;

  LogLineProgress(PrintWriter err) {
    this.err = err;
  }

  @Override
  public synchronized void begin(String what, long totalBytes) {
    this.what = what;
    this.total = totalBytes;
    this.done = 0;
    this.lastTenth = 0;
    line(what + ": " + ByteSizeConverter.format(totalBytes) + " to read");
  }

  @Override
  public synchronized void advance(long bytes) {
    done += bytes;
    if (total > 0) {
      int tenth = (int) Math.min(10, done * 10 / total);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        line(what + ": " + tenth * 10 + "% (" + ByteSizeConverter.format(done) + ")");
      }
    }
  }

  @Override
  public synchronized void taskStarted(String task, long bytes) {
    line(task + ": started (" + ByteSizeConverter.format(bytes) + ")");
  }

  @Override
  public synchronized void taskFinished(String task, String summary) {
    line(task + ": " + summary);
  }

  @Override
  public synchronized void log(String line) {
    line(line);
  }

  @Override
  public synchronized void close() {
    err.flush();
  }

  private void line(String text) {
    err.println(Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + text);
    err.flush();
  }
}
