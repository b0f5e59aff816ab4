package dev.thaw.indexer;

import dev.thaw.image.oci.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code convert} was asked to do, validated.
 *
 * @param format the output layer format
 * @param chunkSize the maximum uncompressed chunk size in bytes
 * @param compressionLevel the compression level, empty for the format's default
 * @param prefetch the prefetch patterns ({@link PrefetchPatterns#none()} for none)
 * @param platforms the platforms to convert; empty for all
 * @param jobs the number of layers converted at once
 */
record ConvertOptions(
    OutputFormat format,
    long chunkSize,
    OptionalInt compressionLevel,
    PrefetchPatterns prefetch,
    List<Platform> platforms,
    int jobs) {
  ConvertOptions {
    if (chunkSize < 4096 || chunkSize > (1L << 30)) {
      throw new IllegalArgumentException(
          "--chunk-size " + chunkSize + ": must be between 4 KiB and 1 GiB");
    }
    if (compressionLevel.isPresent()) {
      int l = compressionLevel.getAsInt();
      int max = format == OutputFormat.ESTARGZ ? 9 : 22;
      if (l < 1 || l > max) {
        throw new IllegalArgumentException(
            "--compression-level " + l + ": " + format + " takes 1 to " + max);
      }
    }
    if (jobs < 1) {
      throw new IllegalArgumentException("--jobs " + jobs + ": must be at least 1");
    }
    platforms = List.copyOf(platforms);
  }

  /** Builds the options from the command line's values. */
  static ConvertOptions of(
      OutputFormat format,
      long chunkSize,
      Integer compressionLevel,
      PrefetchPatterns prefetch,
      List<String> platforms,
      int jobs) {
    List<Platform> parsed = new ArrayList<>();
    for (String p : platforms) {
      parsed.add(Platform.parse(p));
    }
    return new ConvertOptions(
        format,
        chunkSize,
        Optional.ofNullable(compressionLevel).map(OptionalInt::of).orElse(OptionalInt.empty()),
        prefetch,
        parsed,
        jobs);
  }

  /** True if {@code platform} is selected. */
  boolean selects(Optional<Platform> platform) {
    if (platforms.isEmpty()) {
      return true;
    }
    return platform.isPresent() && platforms.stream().anyMatch(p -> p.matches(platform.get()));
  }
}
