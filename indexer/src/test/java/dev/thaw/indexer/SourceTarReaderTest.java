package dev.thaw.indexer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.MediaTypes;
import dev.thaw.image.tar.TarFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SourceTarReaderTest {
  @TempDir Path dir;

  private static final byte[] TAR = Tars.files("etc/hosts", "127.0.0.1 localhost\n", "./a/b", "b");

  private static Descriptor descriptorOf(byte[] blob) {
    return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.sha256(blob), blob.length);
  }

  private SourceTar read(byte[] blob, Descriptor d) throws IOException {
    return new SourceTarReader(true)
        .read(d, new ByteArrayInputStream(blob), dir.resolve("out.tar"), n -> {});
  }

  @ParameterizedTest
  @EnumSource(LayerDecompression.class)
  void read_anyCompression_savesTheUncompressedTar(LayerDecompression c) throws Exception {
    byte[] blob =
        switch (c) {
          case GZIP -> Tars.gzip(TAR);
          case ZSTD -> Tars.zstd(TAR);
          case NONE -> TAR;
        };
    AtomicLong seen = new AtomicLong();
    SourceTar t =
        new SourceTarReader(true)
            .read(
                descriptorOf(blob),
                new ByteArrayInputStream(blob),
                dir.resolve("x"),
                seen::addAndGet);
    assertEquals(c, t.compression());
    assertArrayEquals(TAR, Files.readAllBytes(t.file()));
    assertEquals(Digest.sha256(TAR), t.diffId().orElseThrow());
    assertEquals(TAR.length, t.size());
    assertEquals(List.of("etc/hosts", "a/b"), t.names());
    assertEquals(blob.length, seen.get());
  }

  @Test
  void read_truncatedGzip_throwsNamingTheRead() {
    byte[] gz = Tars.gzip(TAR);
    byte[] cut = Arrays.copyOf(gz, gz.length / 2);
    IOException e = assertThrows(IOException.class, () -> read(cut, descriptorOf(gz)));
    assertTrue(e.getMessage().startsWith("read gzip tar"), e.getMessage());
  }

  @Test
  void read_corruptGzip_throws() {
    byte[] gz = Tars.gzip(TAR);
    for (int i = 20; i < gz.length - 8; i++) {
      gz[i] ^= 0x5a;
    }
    assertThrows(IOException.class, () -> read(gz, descriptorOf(gz)));
  }

  @Test
  void read_sizeMismatch_throws() {
    byte[] gz = Tars.gzip(TAR);
    Descriptor longer = Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digest.sha256(gz), gz.length + 1);
    IOException e = assertThrows(IOException.class, () -> read(gz, longer));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void read_unsafeEntry_throwsTarFormatException() {
    byte[] gz = Tars.gzip(Tars.symlink("etc/evil", "../../etc/shadow"));
    TarFormatException e = assertThrows(TarFormatException.class, () -> read(gz, descriptorOf(gz)));
    assertTrue(e.getMessage().contains("entry 'etc/evil'"), e.getMessage());
  }

  @Test
  void read_notATar_throws() {
    byte[] gz =
        Tars.gzip("this is not a tar archive, just text that goes on".repeat(20).getBytes());
    assertThrows(IOException.class, () -> read(gz, descriptorOf(gz)));
  }
}
