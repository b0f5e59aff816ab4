package dev.thaw.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ByteSizeConverterTest {
  @ParameterizedTest
  @CsvSource({
    "4194304, 4194304",
    "4MiB, 4194304",
    "4mib, 4194304",
    "4M, 4194304",
    "512KiB, 524288",
    "512k, 524288",
    "1GiB, 1073741824",
    "0, 0",
    "7B, 7"
  })
  void parse_validSize_returnsBytes(String text, long expected) {
    assertEquals(expected, ByteSizeConverter.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "MiB", "-1", "4.5MiB", "4TiB", "4 apples", "99999999999999999999"})
  void parse_invalidSize_throwsNamingValue(String text) {
    TypeConversionException e =
        assertThrows(TypeConversionException.class, () -> ByteSizeConverter.parse(text));
    assertEquals(true, e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @Test
  void parse_overflowingUnit_throws() {
    assertThrows(TypeConversionException.class, () -> ByteSizeConverter.parse("9999999999999GiB"));
  }

  @ParameterizedTest
  @CsvSource({"0, 0 B", "1023, 1023 B", "1024, 1.0 KiB", "4194304, 4.0 MiB", "1610612736, 1.5 GiB"})
  void format_bytes_usesBinaryUnits(long bytes, String expected) {
    assertEquals(expected, ByteSizeConverter.format(bytes));
  }
}
