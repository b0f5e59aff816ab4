package dev.thaw.indexer;

import dev.thaw.image.oci.BlobContent;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.ImageConfig;
import dev.thaw.image.oci.ImageIndex;
import dev.thaw.image.oci.ImageSink;
import dev.thaw.image.oci.ImageSource;
import dev.thaw.image.oci.Manifest;
import dev.thaw.image.oci.ManifestContent;
import dev.thaw.image.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code convert}: walks the source image, converts its distinct layers in parallel (a bounded pool
 * of {@link ConvertOptions#jobs()} threads) into a private {@link StagingArea}, rewrites configs
 * (diffIDs), manifests (layer descriptors and annotations) and the index, and pushes: blobs, then
 * manifests, then the root under DST's tag. When the destination {@linkplain
 * SinkOpener#uploadsEarly() hides blobs until a manifest names them} (a registry), each layer blob
 * is uploaded as soon as it is converted, while the other layers are still being converted; no
 * manifest or tag is written before every layer is converted and uploaded, so a failure leaves
 * DST's manifests and tags untouched (at most unreferenced blobs, which the registry collects).
 *
 * <p>Confined to one thread (it owns its worker pool for one conversion).
 */
final class ImageConverter {
  /** Annotation prefixes of seekable formats; stale values are dropped from rewritten layers. */
  private static final List<String> FORMAT_ANNOTATIONS =
      List.of(
          "containerd.io/snapshot/stargz/",
          "io.containers.estargz.",
          "io.containers.zstd-chunked.",
          "io.github.containers.zstd-chunked.");

  private static final int PUSH_THREADS = 4;

  private final LayerWriter writer;
  private final ConvertOptions options;
  private final Progress progress;
  private final Path tempParent;
  private final SourceTarReader reader = new SourceTarReader(true);

  ImageConverter(LayerWriter writer, ConvertOptions options, Progress progress, Path tempParent) {
    this.writer = writer;
    this.options = options;
    this.progress = progress;
    this.tempParent = tempParent;
  }

  /**
   * Converts {@code input} and pushes the result to {@code output}.
   *
   * @return the pushed reference, with its digest
   * @throws IOException naming the manifest, layer and entry that failed
   */
  String convert(ImageSource input, SinkOpener destination) throws IOException {
    ConversionPlan plan = ConversionPlan.walk(input, options::selects, progress::log);
    try (StagingArea staging = StagingArea.create(tempParent);
        LazySink output = new LazySink(destination)) {
      // Shut down before the staging area and the sink close (a failure cancels uploads).
      ExecutorService pushPool = Executors.newFixedThreadPool(PUSH_THREADS);
      try {
        Map<String, Future<?>> uploads = new LinkedHashMap<>();
        Map<String, WrittenLayer> layers =
            convertLayers(
                input,
                plan,
                staging,
                (source, w) -> {
                  if (destination.uploadsEarly()) {
                    Blob b =
                        new Blob(
                            Descriptor.of(source.mediaType(), w.digest(), w.size()),
                            staging.path(w.digest()));
                    uploads.putIfAbsent(
                        w.digest().toString(), pushPool.submit(() -> putBlob(output, b)));
                  }
                });
        List<Blob> blobs = new ArrayList<>();
        for (Descriptor l : plan.layers().values()) {
          WrittenLayer w = layers.get(l.digest().toString());
          blobs.add(
              new Blob(
                  Descriptor.of(l.mediaType(), w.digest(), w.size()), staging.path(w.digest())));
        }
        List<ManifestContent> children = new ArrayList<>();
        List<Descriptor> indexEntries = new ArrayList<>();
        ManifestContent rootManifest = null;
        for (ConversionPlan.PlannedImage image : plan.images()) {
          Manifest m = rewrite(image, layers, staging, blobs);
          if (image.inIndex().isPresent()) {
            children.add(m.content());
            indexEntries.add(
                image.inIndex().get().withContent(m.mediaType(), m.digest(), m.bytes().length));
          } else {
            rootManifest = m.content();
          }
        }
        if (plan.index().isPresent()) {
          ImageIndex index = plan.index().get().withManifests(indexEntries);
          rootManifest = index.content();
        }
        return push(output, pushPool, uploads, blobs, children, rootManifest);
      } finally {
        pushPool.shutdownNow();
        awaitQuietly(pushPool, "uploads");
      }
    }
  }

  /** Opens the destination on first use, once; closes it if it was opened. Thread-safe. */
  private static final class LazySink implements AutoCloseable {
    private final SinkOpener opener;
    private ImageSink sink;

    LazySink(SinkOpener opener) {
      this.opener = opener;
    }

    synchronized ImageSink get() throws IOException {
      if (sink == null) {
        sink = opener.open();
      }
      return sink;
    }

    @Override
    public synchronized void close() throws IOException {
      if (sink != null) {
        sink.close();
      }
    }
  }

  /** Told of each layer as soon as it is converted, on the converting thread. */
  @FunctionalInterface
  private interface LayerDone {
    void converted(Descriptor source, WrittenLayer written);
  }

  /** Opens the destination, on first use. */
  @FunctionalInterface
  interface SinkOpener {
    ImageSink open() throws IOException;

    /**
     * Whether layer blobs may be uploaded while other layers are still converting: true only for a
     * destination where a blob stays invisible until a manifest names it (a registry), not for a
     * layout directory that a failed conversion must not create.
     */
    default boolean uploadsEarly() {
      return false;
    }
  }

  private record Blob(Descriptor descriptor, Path file) {}

  private Manifest rewrite(
      ConversionPlan.PlannedImage image,
      Map<String, WrittenLayer> layers,
      StagingArea staging,
      List<Blob> blobs)
      throws IOException {
    Manifest manifest = image.manifest();
    boolean docker = MediaTypes.DOCKER_MANIFEST.equals(manifest.mediaType());
    List<Descriptor> newLayers = new ArrayList<>();
    List<Digest> diffIds = new ArrayList<>();
    for (Descriptor l : manifest.layers()) {
      WrittenLayer w = layers.get(l.digest().toString());
      Map<String, String> annotations = new TreeMap<>();
      l.annotations()
          .forEach((k, v) -> {
            if (FORMAT_ANNOTATIONS.stream().noneMatch(k::startsWith)) {
              annotations.put(k, v);
            }
          });
      annotations.putAll(w.annotations());
      newLayers.add(
          l.withContent(layerMediaType(docker), w.digest(), w.size()).withAnnotations(annotations));
      diffIds.add(w.diffId());
    }
    ImageConfig config = image.config().withDiffIds(diffIds);
    byte[] configBytes = config.bytes();
    Digest configDigest = staging.put(configBytes);
    Descriptor configDescriptor =
        manifest
            .config()
            .withContent(manifest.config().mediaType(), configDigest, configBytes.length);
    blobs.add(new Blob(configDescriptor, staging.path(configDigest)));
    return manifest.withLayers(newLayers).withConfig(configDescriptor);
  }

  private String layerMediaType(boolean docker) {
    return switch (options.format()) {
      case ESTARGZ -> docker ? MediaTypes.DOCKER_LAYER_GZIP : MediaTypes.OCI_LAYER_GZIP;
      case ZSTD_CHUNKED -> docker ? MediaTypes.DOCKER_LAYER_ZSTD : MediaTypes.OCI_LAYER_ZSTD;
    };
  }

  private Map<String, WrittenLayer> convertLayers(
      ImageSource input, ConversionPlan plan, StagingArea staging, LayerDone done)
      throws IOException {
    progress.begin("convert " + input.reference(), plan.layerBytes());
    List<Descriptor> bySize = new ArrayList<>(plan.layers().values());
    bySize.sort(Comparator.comparingLong(Descriptor::size).reversed()); // big layers start first
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(options.jobs(), Math.max(1, bySize.size())));
    try {
      ExecutorCompletionService<Map.Entry<String, WrittenLayer>> finished =
          new ExecutorCompletionService<>(pool);
      Map<Future<?>, Descriptor> tasks = new HashMap<>();
      for (Descriptor l : bySize) {
        tasks.put(
            finished.submit(() ->
                Map.entry(
                    l.digest().toString(),
                    convertLayer(input, l, plan.diffIds().get(l.digest().toString()), staging))),
            l);
      }
      Map<String, WrittenLayer> result = new LinkedHashMap<>();
      for (int i = 0; i < tasks.size(); i++) {
        Future<Map.Entry<String, WrittenLayer>> f = finished.take();
        try {
          Map.Entry<String, WrittenLayer> e = f.get();
          result.put(e.getKey(), e.getValue());
          done.converted(tasks.get(f), e.getValue());
        } catch (ExecutionException e) {
          Descriptor l = tasks.get(f);
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw new IOException("layer " + l.digest(), io);
          }
          throw new IllegalStateException("layer " + l.digest() + ": " + cause, cause);
        }
      }
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("convert interrupted");
    } finally {
      pool.shutdownNow();
      awaitQuietly(pool, "layer tasks");
    }
  }

  private WrittenLayer convertLayer(
      ImageSource input, Descriptor layer, Digest diffId, StagingArea staging) throws IOException {
    String task = "layer " + layer.digest().shortForm();
    progress.taskStarted(task, layer.size());
    long start = System.nanoTime();
    Path tarFile = staging.newScratchFile("source");
    try {
      SourceTar tar;
      try (InputStream raw = input.openBlob(layer)) {
        tar = reader.read(layer, raw, tarFile, progress::advance);
      }
      // A blob can match its digest and still hold the wrong tar (pushed corrupt): the diffID
      // in the config is the only check of the uncompressed content.
      Digest actual = tar.diffId().orElseThrow();
      if (!actual.equals(diffId)) {
        throw new IOException(
            "uncompressed content has digest " + actual + ", the config's diffID is " + diffId);
      }
      List<String> prefetch = options.prefetch().expand(tar.names());
      Path out = staging.newScratchFile("layer");
      WrittenLayer written = writer.write(tar, prefetch, out, layer.digest().toString());
      staging.commit(out, written.digest());
      double seconds = (System.nanoTime() - start) / 1e9;
      progress.taskFinished(
          task,
          String.format(
              java.util.Locale.ROOT,
              "%s -> %s %s (%d entries, %d prefetched) in %.1f s",
              ByteSizeConverter.format(layer.size()),
              written.digest().shortForm(),
              ByteSizeConverter.format(written.size()),
              tar.names().size(),
              prefetch.size(),
              seconds));
      return written;
    } finally {
      Files.deleteIfExists(tarFile);
    }
  }

  private static Void putBlob(LazySink output, Blob b) throws IOException {
    output.get().putBlob(b.descriptor(), BlobContent.ofFile(b.file()));
    return null;
  }

  /**
   * Pushes the blobs not yet uploaded early, a few at a time (uploads wait on the network, not the
   * CPU), waits for every upload, then writes the manifests and the tag.
   */
  private String push(
      LazySink sink,
      ExecutorService pool,
      Map<String, Future<?>> uploads,
      List<Blob> blobs,
      List<ManifestContent> children,
      ManifestContent root)
      throws IOException {
    ImageSink output = sink.get();
    Map<String, Blob> distinct = new LinkedHashMap<>();
    blobs.forEach(b -> distinct.putIfAbsent(b.descriptor().digest().toString(), b));
    progress.log(
        "push to "
            + output.reference()
            + ": "
            + distinct.size()
            + " blobs ("
            + uploads.size()
            + " uploaded while converting), "
            + (children.size() + 1)
            + " manifests");
    for (Blob b : distinct.values()) {
      uploads.computeIfAbsent(
          b.descriptor().digest().toString(), d -> pool.submit(() -> putBlob(sink, b)));
    }
    for (Blob b : distinct.values()) {
      Descriptor d = b.descriptor();
      try {
        uploads.get(d.digest().toString()).get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw new IOException("push blob " + d.digest() + " to " + output.reference(), io);
        }
        throw new IllegalStateException("push blob " + d.digest(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("push interrupted");
      }
    }
    for (ManifestContent m : children) {
      output.putManifest(m);
    }
    output.tagManifest(root);
    return output.reference() + "@" + root.digest();
  }

  private void awaitQuietly(ExecutorService pool, String what) {
    try {
      if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
        progress.log(what + " still running after 60 s; leaving them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
