package dev.thaw.snapshotter.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the value syntaxes of the config file: sizes and durations. Thread-safe (stateless). */
public final class ConfigValues {

  private static final Pattern SIZE =
      Pattern.compile(
          "(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

  private ConfigValues() {}

  /**
   * Parses a size: plain bytes or a number with a unit ({@code KiB MiB GiB TiB}; {@code KB MB GB
   * TB} and {@code K M G T} are read as the same powers of 1024).
   */
  public static long size(String key, String text) throws InvalidConfigException {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new InvalidConfigException(
          key + ": \"" + text + "\" is not a size (examples: 1048576, 512MiB, 10GiB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    int shift =
        switch (unit.charAt(0)) {
          case 'k' -> 10;
          case 'm' -> 20;
          case 'g' -> 30;
          case 't' -> 40;
          default -> 0;
        };
    if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
      throw new InvalidConfigException(key + ": \"" + text + "\" is too large");
    }
    return n << shift;
  }

  /** Parses a duration such as {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
  public static Duration duration(String key, String text) throws InvalidConfigException {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new InvalidConfigException(
          key + ": \"" + text + "\" is not a duration (examples: 500ms, 10s, 5m)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
