package dev.thaw.indexer;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The seekable layer format {@code convert} writes. */
enum OutputFormat {
  ESTARGZ("estargz"),
  ZSTD_CHUNKED("zstd-chunked");

  private final String cliName;

  OutputFormat(String cliName) {
    this.cliName = cliName;
  }

  /** The name on the command line. */
  String cliName() {
    return cliName;
  }

  @Override
  public String toString() {
    return cliName;
  }

  /** Parses {@code estargz} or {@code zstd-chunked} (also {@code zstd:chunked}). */
  static final class Converter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      String v = value.toLowerCase(Locale.ROOT).replace(':', '-').replace('_', '-');
      for (OutputFormat f : values()) {
        if (f.cliName.equals(v)) {
          return f;
        }
      }
      throw new TypeConversionException(
          "'" + value + "' is not a format; expected estargz or zstd-chunked");
    }
  }
}
