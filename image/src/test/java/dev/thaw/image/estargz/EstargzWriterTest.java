package dev.thaw.image.estargz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.tar.WrittenLayer;
import dev.thaw.testimages.TestLayers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EstargzWriterTest {
  @TempDir Path dir;

  private byte[] convert(byte[] tar, WriterOptions options) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new EstargzWriter(options).write(new SeekableInMemoryByteChannel(tar), out, "l");
    return out.toByteArray();
  }

  private static byte[] sample() {
    return TestLayers.tar(
        TestLayers.dir("etc"),
        TestLayers.file("etc/hosts", "127.0.0.1 localhost\n"),
        TestLayers.randomFile("bin/big", 3 * 4096 + 100, 7),
        TestLayers.symlink("bin/sh", "big"),
        TestLayers.file("e", new byte[0]));
  }

  @Test
  void write_output_passesGzipTestAndTarList() throws Exception {
    Path blob = dir.resolve("layer.tar.gz");
    Files.write(blob, convert(sample(), WriterOptions.defaults(6).withChunkSize(4096)));
    assertEquals("", run("gzip", "-t", blob.toString()));
    String listing = run("tar", "tzvf", blob.toString());
    for (String name :
        new String[] {".no.prefetch.landmark", "etc/hosts", "bin/big", "bin/sh -> big", "e"}) {
      assertTrue(listing.contains(name), listing);
    }
    assertTrue(listing.strip().endsWith("stargz.index.json"), listing);
    Path out = Files.createDirectory(dir.resolve("x"));
    run("tar", "xzf", blob.toString(), "-C", out.toString());
    assertEquals(3 * 4096 + 100, Files.size(out.resolve("bin/big")));
  }

  @Test
  void write_sameInputDifferentParallelism_sameBytes() throws Exception {
    byte[] one =
        convert(sample(), WriterOptions.defaults(6).withChunkSize(4096).withParallelism(1));
    byte[] four =
        convert(sample(), WriterOptions.defaults(6).withChunkSize(4096).withParallelism(4));
    assertTrue(Arrays.equals(one, four));
  }

  @Test
  void annotations_writtenLayer_tocDigestAndUncompressedSize() throws Exception {
    WrittenLayer w =
        new EstargzWriter(WriterOptions.defaults(6))
            .write(new SeekableInMemoryByteChannel(sample()), new ByteArrayOutputStream(), "l");
    assertEquals(
        w.tocDigest().toString(),
        EstargzWriter.annotations(w).get("containerd.io/snapshot/stargz/toc.digest"));
    assertEquals(
        Long.toString(w.uncompressedSize()),
        EstargzWriter.annotations(w).get("io.containers.estargz.uncompressed-size"));
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    return out;
  }
}
