package dev.thaw.indexer;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses sizes such as {@code 4194304}, {@code 4MiB}, {@code 512KiB} or {@code 1GiB}. Units are
 * binary; {@code K}, {@code M} and {@code G} (with or without {@code iB} or {@code B}) are accepted
 * as the same binary units.
 *
 * <p>Immutable.
 */
final class ByteSizeConverter implements ITypeConverter<Long> {
  private static final Pattern SIZE =
      Pattern.compile("([0-9]+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", Pattern.CASE_INSENSITIVE);

  @Override
  public Long convert(String value) {
    return parse(value);
  }

  /** Parses {@code value}; throws {@link TypeConversionException} naming it when invalid. */
  static long parse(String value) {
    Matcher m = SIZE.matcher(value.trim());
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a size (examples: 4194304, 512KiB, 4MiB, 1GiB)");
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    int shift =
        switch (unit.charAt(0)) {
          case 'k' -> 10;
          case 'm' -> 20;
          case 'g' -> 30;
          default -> 0;
        };
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is too large");
    }
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new TypeConversionException("'" + value + "' is too large");
    }
    return n << shift;
  }

  /** Formats {@code bytes} for humans: {@code 4.0 MiB}. */
  static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
