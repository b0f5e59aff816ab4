package dev.thaw.image.chunk;

import static org.junit.jupiter.api.Assertions.fail;

import dev.thaw.image.estargz.EstargzWriter;
import dev.thaw.image.tar.WriterOptions;
import dev.thaw.image.toc.Toc;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocJson;
import dev.thaw.image.toc.TocNode;
import dev.thaw.testimages.TestLayers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded random mutations of footers, TOCs, whole blobs and input tars: each case must end in a
 * checked exception or success, never an unchecked exception, an error or a hang.
 */
class SeekableLayerFuzzTest {
  private static final long SEED = 0x7ea5eedL;

  private static LayerFixtures.Converted base(LayerFormat format) throws IOException {
    return LayerFixtures.convert(
        format, TestLayers.tar(LayerFixtures.everything()), LayerFixtures.options(format));
  }

  @ParameterizedTest
  @EnumSource(LayerFormat.class)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void open_mutatedTail_cleanCheckedExceptionOrSuccess(LayerFormat format) throws Exception {
    byte[] blob = base(format).blob();
    SplittableRandom r = new SplittableRandom(SEED);
    for (int i = 0; i < 3000; i++) {
      byte[] b;
      if (i % 10 == 0) {
        b = Arrays.copyOf(blob, r.nextInt(blob.length));
      } else {
        b = blob.clone();
        int flips = 1 + r.nextInt(3);
        for (int f = 0; f < flips; f++) {
          int at = b.length - 1 - r.nextInt(Math.min(b.length, 96));
          b[at] = (byte) r.nextInt(256);
        }
      }
      openAndReadAll(b, "tail case " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(LayerFormat.class)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void open_mutatedBlob_cleanCheckedExceptionOrSuccess(LayerFormat format) throws Exception {
    byte[] blob = base(format).blob();
    SplittableRandom r = new SplittableRandom(SEED + 1);
    for (int i = 0; i < 1500; i++) {
      byte[] b = blob.clone();
      int flips = 1 + r.nextInt(4);
      for (int f = 0; f < flips; f++) {
        b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
      }
      openAndReadAll(b, "blob case " + i);
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void decode_mutatedTocJson_onlyTocFormatException() throws Exception {
    SeekableLayer layer =
        SeekableLayer.open(
            new BytesBlobSource(base(LayerFormat.ESTARGZ).blob(), "l"), Optional.empty());
    byte[] json = TocJson.encode(layer.toc());
    byte[] alphabet = "{}[]\":,0123456789-.abcdefghijklmnopqrstuvwxyz/ \\".getBytes();
    SplittableRandom r = new SplittableRandom(SEED + 2);
    for (int i = 0; i < 5000; i++) {
      byte[] b = json.clone();
      int edits = 1 + r.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int at = r.nextInt(b.length);
        switch (r.nextInt(3)) {
          case 0 -> b[at] = alphabet[r.nextInt(alphabet.length)];
          case 1 -> b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + 1, b.length));
          default -> {
            byte[] ins = {alphabet[r.nextInt(alphabet.length)]};
            b = concat(concat(Arrays.copyOf(b, at), ins), Arrays.copyOfRange(b, at, b.length));
          }
        }
      }
      try {
        Toc toc = TocJson.decode(b, "l");
        TocIndex index = TocIndex.of(toc, 1 << 20, "l");
        for (TocNode n : index.nodes()) {
          index.children(n);
          index.chunks(n);
        }
      } catch (IOException expected) {
        // a clean, checked failure
      } catch (RuntimeException | Error e) {
        fail("json case " + i + ": " + e + " for " + new String(b), e);
      }
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void write_mutatedTar_cleanCheckedExceptionOrSuccess() {
    byte[] tar = TestLayers.tar(LayerFixtures.everything());
    SplittableRandom r = new SplittableRandom(SEED + 3);
    EstargzWriter writer =
        new EstargzWriter(WriterOptions.defaults(1).withChunkSize(4096).withParallelism(1));
    for (int i = 0; i < 600; i++) {
      byte[] b = tar.clone();
      if (i % 7 == 0) {
        b = Arrays.copyOf(b, r.nextInt(b.length));
      } else {
        int flips = 1 + r.nextInt(3);
        for (int f = 0; f < flips; f++) {
          // Mostly headers: they sit in the first 512 bytes of each record run.
          int at = r.nextInt(b.length);
          b[at] = (byte) r.nextInt(256);
        }
      }
      try {
        writer.write(new SeekableInMemoryByteChannel(b), new ByteArrayOutputStream(), "l");
      } catch (IOException expected) {
        // a clean, checked failure
      } catch (RuntimeException | Error e) {
        fail("tar case " + i + ": " + e, e);
      }
    }
  }

  private static void openAndReadAll(byte[] b, String what) {
    try {
      SeekableLayer layer = SeekableLayer.open(new BytesBlobSource(b, "l"), Optional.empty());
      for (TocNode n : layer.tocIndex().nodes()) {
        List<TocChunk> chunks = layer.tocIndex().chunks(n);
        for (TocChunk c : chunks) {
          try {
            layer.readChunk(c);
          } catch (IOException expected) {
            // a clean, checked failure of one chunk
          }
        }
      }
    } catch (IOException expected) {
      // a clean, checked failure
    } catch (RuntimeException | Error e) {
      fail(what + ": " + e, e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
