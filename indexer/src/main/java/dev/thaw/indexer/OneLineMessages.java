package dev.thaw.indexer;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Turns an exception and its causes into the single line the CLI prints. Static only. */
final class OneLineMessages {
  private OneLineMessages() {}

  /**
   * Joins the messages of {@code t} and its causes with {@code ": "}, skipping a cause whose
   * message the outer one already contains, and replaces line breaks with spaces.
   */
  static String of(Throwable t) {
    List<String> parts = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    String joined = "";
    for (Throwable c = t; c != null && seen.put(c, Boolean.TRUE) == null; c = c.getCause()) {
      String m = c.getMessage();
      if (c instanceof java.net.ConnectException) {
        m = "connection refused" + (m == null || m.isBlank() ? "" : " (" + m + ")");
      } else if (m == null
          || m.isBlank()
          || (c.getCause() != null && m.equals(c.getCause().toString()))) {
        if (c.getCause() != null) {
          continue; // a bare wrapper: its cause says more
        }
        m = c.getClass().getSimpleName();
      }
      if (!joined.contains(m)) {
        parts.add(m);
        joined = String.join(": ", parts);
      }
    }
    if (parts.isEmpty()) {
      parts.add(t.getClass().getName());
    }
    return String.join(": ", parts).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
