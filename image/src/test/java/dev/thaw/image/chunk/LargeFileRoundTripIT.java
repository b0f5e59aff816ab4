package dev.thaw.image.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.blob.FileBlobSource;
import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.tar.WrittenLayer;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocNode;
import dev.thaw.testimages.TestLayers;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A file over 4 GiB (a sparse tar on disk) survives eStargz conversion and chunked read-back. */
class LargeFileRoundTripIT {
  private static final long SIZE = (4L << 30) + (300L << 20) + 12345;

  @TempDir Path dir;

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void write_fileOver4GiB_readsBackChunkByChunk() throws Exception {
    Path tar = dir.resolve("big.tar");
    try (OutputStream out = new SparseFileOutputStream(tar)) {
      TestLayers.writeTar(
          out,
          List.of(
              TestLayers.file("before", "x"),
              TestLayers.zeroFile("huge", SIZE),
              TestLayers.file("after", "y")));
    }
    Path blob = dir.resolve("big.tar.gz");
    long start = System.nanoTime();
    WrittenLayer w;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(blob), 1 << 20)) {
      w = new EstargzWriter(WriterOptions.defaults(1)).write(tar, out, "huge-layer");
    }
    System.out.printf(
        "LargeFileRoundTripIT: converted %d bytes in %.1f s to %d bytes%n",
        SIZE, (System.nanoTime() - start) / 1e9, Files.size(blob));
    try (FileBlobSource source = new FileBlobSource(blob)) {
      SeekableLayer layer = SeekableLayer.open(source, Optional.of(w.tocDigest()));
      TocNode huge = layer.tocIndex().lookup("huge").orElseThrow();
      assertEquals(SIZE, huge.entry().size());
      List<TocChunk> chunks = layer.tocIndex().chunks(huge);
      assertEquals((SIZE + (4 << 20) - 1) / (4 << 20), chunks.size());
      assertEquals(chunks.size() - 1, layer.tocIndex().chunkIndexAt(huge, SIZE - 1));
      MessageDigest md = Digest.newSha256();
      long total = 0;
      for (TocChunk c : chunks) {
        byte[] data = layer.readChunk(c);
        for (byte b : data) {
          assertEquals(0, b);
        }
        md.update(data);
        total += data.length;
      }
      assertEquals(SIZE, total);
      assertEquals(Digest.ofSha256(md.digest()), huge.entry().digest());
      TocNode after = layer.tocIndex().lookup("after").orElseThrow();
      assertEquals("y", new String(layer.readChunk(layer.tocIndex().chunks(after).get(0))));
      assertTrue(layer.tocIndex().chunks(after).get(0).compressedOffset() > 0);
    }
  }
}
