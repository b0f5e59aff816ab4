package dev.thaw.image.chunk;

import static dev.thaw.testimages.TestLayers.blockDevice;
import static dev.thaw.testimages.TestLayers.charDevice;
import static dev.thaw.testimages.TestLayers.dir;
import static dev.thaw.testimages.TestLayers.fifo;
import static dev.thaw.testimages.TestLayers.file;
import static dev.thaw.testimages.TestLayers.hardlink;
import static dev.thaw.testimages.TestLayers.opaque;
import static dev.thaw.testimages.TestLayers.randomBytes;
import static dev.thaw.testimages.TestLayers.symlink;
import static dev.thaw.testimages.TestLayers.textFile;
import static dev.thaw.testimages.TestLayers.whiteout;

import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.tar.WrittenLayer;
import dev.thaw.image.zstdchunked.ZstdChunkedWriter;
import dev.thaw.testimages.TestEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/** Shared layers and conversions for the format tests. */
final class LayerFixtures {
  private LayerFixtures() {}

  /** Every entry kind and metadata a layer can carry. */
  static List<TestEntry> everything() {
    return List.of(
        dir("etc")
            .withMode(0750)
            .withOwner(1, 2)
            .withModTime(Instant.parse("2021-05-06T07:08:09Z")),
        file("etc/hosts", "127.0.0.1 localhost\n")
            .withOwner(1000, 1001)
            .withOwnerNames("alice", "staff")
            .withMode(04755)
            .withXattr("user.comment", "hello")
            .withXattr("security.capability", "cap"),
        file("etc/empty", new byte[0]),
        symlink("etc/link", "hosts"),
        symlink("etc/abs", "/usr/bin/env"),
        hardlink("etc/hard", "etc/hosts"),
        charDevice("dev/null", 1, 3),
        blockDevice("dev/sda", 8, 0),
        fifo("run/fifo"),
        whiteout("var/gone"),
        opaque("opt"),
        file("big/random", randomBytes(10_000, 1)),
        textFile("big/text", 20_000, 2),
        file("big/exact", randomBytes(8192, 3)),
        file("u/ünïcødé ☃", "snow"),
        file("l/" + "n".repeat(255), "long name"),
        hardlink("big/random2", "big/random"));
  }

  static final long SMALL_CHUNK = 4096;

  /** A converted blob and its result. */
  record Converted(byte[] blob, WrittenLayer layer) {}

  static Converted convert(LayerFormat format, byte[] tar, WriterOptions options)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WrittenLayer written;
    try (SeekableInMemoryByteChannel ch = new SeekableInMemoryByteChannel(tar)) {
      written =
          switch (format) {
            case ESTARGZ -> new EstargzWriter(options).write(ch, out, "test-layer");
            case ZSTD_CHUNKED ->
                new ZstdChunkedWriter(options).write(ch, out, "test-layer").layer();
          };
    }
    return new Converted(out.toByteArray(), written);
  }

  static WriterOptions options(LayerFormat format) {
    int level =
        format == LayerFormat.ESTARGZ
            ? EstargzWriter.DEFAULT_COMPRESSION_LEVEL
            : ZstdChunkedWriter.DEFAULT_COMPRESSION_LEVEL;
    return WriterOptions.defaults(level).withChunkSize(SMALL_CHUNK).withParallelism(2);
  }
}
