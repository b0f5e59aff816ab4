package dev.thaw.indexer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.thaw.image.layout.OciLayoutImageSource;
import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.ImageReference;
import dev.thaw.image.oci.ImageSink;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.oci.LayoutReference;
import dev.thaw.image.oci.ManifestContent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** When blobs, manifests and the tag reach the destination, with and without early uploads. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ImageConverterTest {
  @TempDir Path tmp;

  /** Records every call, in order, as "blob DIGEST", "manifest DIGEST", "tag DIGEST". */
  private static final class RecordingSink implements ImageSink {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch firstBlob = new CountDownLatch(1);

    @Override
    public ImageReference reference() {
      return LayoutReference.parse("oci:/nonexistent:recorded");
    }

    @Override
    public boolean hasBlob(Descriptor blob) {
      return false;
    }

    @Override
    public void putBlob(Descriptor blob, BlobContent content) throws IOException {
      try (var in = content.open()) {
        assertEquals(blob.size(), in.transferTo(java.io.OutputStream.nullOutputStream()));
      }
      calls.add("blob " + blob.digest());
      firstBlob.countDown();
    }

    @Override
    public void putManifest(ManifestContent manifest) {
      calls.add("manifest " + manifest.digest());
    }

    @Override
    public void tagManifest(ManifestContent manifest) {
      calls.add("tag " + manifest.digest());
    }
  }

  private static final class Opener implements ImageConverter.SinkOpener {
    final RecordingSink sink = new RecordingSink();
    final AtomicInteger opened = new AtomicInteger();
    final boolean early;

    Opener(boolean early) {
      this.early = early;
    }

    @Override
    public ImageSink open() {
      opened.incrementAndGet();
      return sink;
    }

    @Override
    public boolean uploadsEarly() {
      return early;
    }
  }

  /** Two layers; the larger one is converted first (one job at a time). */
  private ImageSource source() throws IOException {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      big.append("line ").append(i).append('\n');
    }
    TestImage image =
        TestImage.of(
            List.of(Tars.files("big.txt", big.toString()), Tars.files("etc/hostname", "small\n")));
    Path layout = tmp.resolve("src");
    image.writeLayout(layout, "v1");
    return OciLayoutImageSource.open(LayoutReference.parse("oci:" + layout + ":v1"));
  }

  private static ConvertOptions options() {
    return ConvertOptions.of(
        OutputFormat.ESTARGZ, 4 << 20, null, PrefetchPatterns.none(), List.of(), 1);
  }

  private static final class SilentProgress implements Progress {
    @Override
    public void begin(String what, long totalBytes) {}

    @Override
    public void advance(long bytes) {}

    @Override
    public void taskStarted(String task, long bytes) {}

    @Override
    public void taskFinished(String task, String summary) {}

    @Override
    public void log(String line) {}

    @Override
    public void close() {}
  }

  /** The real estargz writer; the second layer it is given fails once the sink has a blob. */
  private static LayerWriter failingSecond(RecordingSink sink, boolean waitForUpload) {
    LayerWriter real = LayerWriters.of(options(), 1);
    AtomicInteger calls = new AtomicInteger();
    return (tar, prefetch, target, layer) -> {
      if (calls.incrementAndGet() == 2) {
        if (waitForUpload) {
          try {
            assertTrue(sink.firstBlob.await(30, TimeUnit.SECONDS), "first layer not uploaded");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
        }
        throw new IOException("entry 'etc/hostname': injected failure");
      }
      return real.write(tar, prefetch, target, layer);
    };
  }

  @Test
  void convert_uploadsEarly_layerFails_firstLayerUploadedButNoManifestOrTag() throws Exception {
    Opener dst = new Opener(true);
    try (ImageSource src = source()) {
      ImageConverter converter =
          new ImageConverter(
              failingSecond(dst.sink, true), options(), new SilentProgress(), tmp.resolve("t"));
      IOException e = assertThrows(IOException.class, () -> converter.convert(src, dst));
      assertTrue(String.valueOf(e.getCause()).contains("injected failure"), e.toString());
    }
    assertEquals(1, dst.sink.calls.size(), dst.sink.calls.toString());
    assertTrue(dst.sink.calls.get(0).startsWith("blob "), dst.sink.calls.toString());
  }

  @Test
  void convert_notEarly_layerFails_destinationNeverOpened() throws Exception {
    Opener dst = new Opener(false);
    try (ImageSource src = source()) {
      ImageConverter converter =
          new ImageConverter(
              failingSecond(dst.sink, false), options(), new SilentProgress(), tmp.resolve("t"));
      assertThrows(IOException.class, () -> converter.convert(src, dst));
    }
    assertEquals(0, dst.opened.get());
    assertTrue(dst.sink.calls.isEmpty());
  }

  @Test
  void convert_uploadsEarly_everyBlobOnceThenManifestTaggedLast() throws Exception {
    Opener dst = new Opener(true);
    String result;
    try (ImageSource src = source()) {
      result =
          new ImageConverter(
                  LayerWriters.of(options(), 1), options(), new SilentProgress(), tmp.resolve("t"))
              .convert(src, dst);
    }
    List<String> calls = List.copyOf(dst.sink.calls);
    assertEquals(1, dst.opened.get());
    assertEquals(4, calls.size(), calls.toString()); // two layers, the config, the tag
    assertEquals(3, calls.stream().filter(c -> c.startsWith("blob ")).distinct().count());
    String tag = calls.get(calls.size() - 1);
    assertTrue(tag.startsWith("tag "), calls.toString());
    assertTrue(result.endsWith("@" + tag.substring(4)), result);
    assertFalse(calls.subList(0, 3).stream().anyMatch(c -> !c.startsWith("blob ")));
  }
}
