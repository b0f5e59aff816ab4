package dev.thaw.image.tar;

import java.util.List;

/**
 * Settings of a seekable-layer writer.
 *
 * <p>Immutable.
 *
 * @param chunkSize the largest chunk of a file, in bytes (rounded up to a multiple of 512)
 * @param compressionLevel gzip 0..9 or zstd 1..22
 * @param prefetch paths or globs of start-up-hot files, in priority order; empty for none
 * @param parallelism threads compressing members
 */
public record WriterOptions(
    long chunkSize, int compressionLevel, List<String> prefetch, int parallelism) {
  /** The reference converter's chunk size, 4 MiB. */
  public static final long DEFAULT_CHUNK_SIZE = 4L << 20;

  /** Validates and copies. */
  public WriterOptions {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunk size " + chunkSize + " is not positive");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism " + parallelism + " is below 1");
    }
    prefetch = List.copyOf(prefetch);
  }

  /** 4 MiB chunks, the given level, no prefetch list, one thread per available processor. */
  public static WriterOptions defaults(int compressionLevel) {
    return new WriterOptions(
        DEFAULT_CHUNK_SIZE,
        compressionLevel,
        List.of(),
        Runtime.getRuntime().availableProcessors());
  }

  /** With a prefetch list. */
  public WriterOptions withPrefetch(List<String> patterns) {
    return new WriterOptions(chunkSize, compressionLevel, patterns, parallelism);
  }

  /** With a chunk size. */
  public WriterOptions withChunkSize(long size) {
    return new WriterOptions(size, compressionLevel, prefetch, parallelism);
  }

  /** With a number of compressing threads. */
  public WriterOptions withParallelism(int threads) {
    return new WriterOptions(chunkSize, compressionLevel, prefetch, threads);
  }
}
