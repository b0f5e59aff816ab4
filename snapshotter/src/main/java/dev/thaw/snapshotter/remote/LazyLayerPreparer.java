package dev.thaw.snapshotter.remote;

import dev.thaw.fuse.AccessObserver;
import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Descriptor;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.oci.RegistryReference;
import dev.thaw.image.registry.RegistryClient;
import dev.thaw.snapshotter.fetch.FetchContext;
import dev.thaw.snapshotter.profile.ProfileRecorder;
import dev.thaw.snapshotter.profile.ProfiledLayer;
import dev.thaw.snapshotter.snapshots.RemoteLayerPreparer;
import dev.thaw.snapshotter.snapshots.RemoteLayerRequest;
import dev.thaw.snapshotter.snapshots.RemotePrepareOutcome;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link RemoteLayerPreparer} that mounts seekable layers lazily from their registry: reads the
 * image reference, layer digest and TOC digest from the labels, finds the layer in the image's
 * manifest, opens and verifies its TOC, mounts it at the request's mountpoint and waits (bounded)
 * for the head of its prefetch (the first run of the prioritized region: what the container reads
 * first). The rest of the prioritized region streams in behind, overlapping the rest of the pull
 * and the container's start; holding the prepare for all of it (a model's weights: gigabytes) would
 * only delay the container, whose reads join the chunks in flight or fetch them on demand first.
 * Any failure is a fallback with the reason, and nothing stays mounted.
 *
 * <p>Thread-safe.
 */
public final class LazyLayerPreparer implements RemoteLayerPreparer {
  private static final Logger LOG = Logger.getLogger(LazyLayerPreparer.class.getName());

  private final RegistryClient client;
  private final SeekableLayerOpener opener;
  private final LayerMounter mounter;
  private final FetchContext ctx;
  private final Duration prefetchTimeout;
  private final Optional<ProfileRecorder> profiles;
  private final Map<Path, RemoteLayer> mounted = new ConcurrentHashMap<>();

  /** How many of the following layers a Prepare opens ahead (each holds its TOC index). */
  static final int AHEAD_LAYERS = 2;

  private final LayersAhead ahead = new LayersAhead(1, Duration.ofMinutes(2));

  /**
   * Profiled layers by chainID, with their parent's chainID: a later image's Prepare names a shared
   * stack as parent, and walking up from there adds the image to every shared layer's profile.
   */
  private final Map<String, ChainLink> chains = new ConcurrentHashMap<>();

  private record ChainLink(Path mountpoint, String parent, ProfiledLayer profiled) {}

  /**
   * A preparer fetching through {@code ctx}; it does not own {@code ctx}'s cache and scheduler.
   *
   * @param prefetchTimeout how long a prepare waits for the head of the layer's prioritized region
   */
  public LazyLayerPreparer(
      RegistryClient client,
      SeekableLayerOpener opener,
      LayerMounter mounter,
      FetchContext ctx,
      Duration prefetchTimeout) {
    this(client, opener, mounter, ctx, prefetchTimeout, Optional.empty());
  }

  /**
   * A preparer that also records start-up profiles: every layer it mounts reports its files' first
   * opens to {@code profiles} under the image named in the request's labels. It does not own {@code
   * profiles}.
   */
  public LazyLayerPreparer(
      RegistryClient client,
      SeekableLayerOpener opener,
      LayerMounter mounter,
      FetchContext ctx,
      Duration prefetchTimeout,
      Optional<ProfileRecorder> profiles) {
    this.client = client;
    this.opener = opener;
    this.mounter = mounter;
    this.ctx = ctx;
    this.prefetchTimeout = prefetchTimeout;
    this.profiles = profiles;
  }

  /** The layer a request names, read from its labels. */
  record LayerCoordinates(RegistryReference image, Digest layer, Optional<Digest> tocDigest) {}

  /**
   * Reads the layer's coordinates from {@code labels}: CRI's image-ref and layer-digest, else the
   * stargz reference and digest that {@code ctr-remote images rpull} sets.
   *
   * @throws IllegalArgumentException with a fallback reason if a label is missing or malformed
   */
  static LayerCoordinates coordinates(Map<String, String> labels) {
    String image =
        labels.getOrDefault(RemoteLabels.IMAGE_REF, labels.get(RemoteLabels.STARGZ_REFERENCE));
    String layer =
        labels.getOrDefault(RemoteLabels.LAYER_DIGEST, labels.get(RemoteLabels.STARGZ_DIGEST));
    String toc = labels.get(RemoteLabels.TOC_DIGEST);
    if (image == null || image.isBlank()) {
      throw new IllegalArgumentException("no " + RemoteLabels.IMAGE_REF + " label");
    }
    if (layer == null || layer.isBlank()) {
      throw new IllegalArgumentException("no " + RemoteLabels.LAYER_DIGEST + " label");
    }
    if (toc == null || toc.isBlank()) {
      throw new IllegalArgumentException("no TOC digest label (" + RemoteLabels.TOC_DIGEST + ")");
    }
    return new LayerCoordinates(
        RegistryReference.parse(image), Digest.parse(layer), Optional.of(Digest.parse(toc)));
  }

  @Override
  public RemotePrepareOutcome prepare(RemoteLayerRequest request) throws InterruptedException {
    try {
      RemoteLayer layer = mountLayer(request, true);
      if (!prefetchTimeout.isZero() && !layer.awaitPrefetchHead(prefetchTimeout)) {
        LOG.info(
            "layer "
                + layer.name()
                + ": head of the prefetch not fetched after "
                + prefetchTimeout
                + ", serving");
      }
      ctx.metrics().remotePrepareSucceeded();
      return new RemotePrepareOutcome.Mounted(request.mountpoint());
    } catch (IOException | RuntimeException e) {
      ctx.metrics().remotePrepareFellBack();
      LOG.log(Level.FINE, "remote prepare of " + request.key() + " failed", e);
      return new RemotePrepareOutcome.Fallback(oneLine(e));
    } catch (OutOfMemoryError e) {
      // A TOC too large for the heap: what it allocated is garbage once we are here, so the
      // daemon lives on and containerd pulls this layer itself instead of failing the pull.
      ctx.metrics().remotePrepareFellBack();
      LOG.log(Level.WARNING, "remote prepare of " + request.key() + " ran out of heap", e);
      try {
        release(request.mountpoint());
      } catch (IOException | RuntimeException releaseFailure) {
        e.addSuppressed(releaseFailure);
      }
      return new RemotePrepareOutcome.Fallback(
          "out of Java heap opening the layer (raise -Xmx in thaw-snapshotter.jvm-options): "
              + e.getMessage());
    }
  }

  @Override
  public void restore(RemoteLayerRequest request) throws IOException {
    try {
      mountLayer(request, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("restore of " + request.key() + " interrupted", e);
    }
  }

  /**
   * Up to {@code limit} layers after {@code layer} in the image-layers label of {@code labels}
   * (CRI's {@code cri.image-layers}, else ctr-remote's {@code stargz.layers}: comma-separated
   * digests of this layer and the ones above it); empty without the label.
   */
  static List<String> followingLayers(Map<String, String> labels, String layer, int limit) {
    String list =
        labels.getOrDefault(RemoteLabels.IMAGE_LAYERS, labels.get(RemoteLabels.STARGZ_LAYERS));
    if (list == null || list.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String d : list.split(",")) {
      String digest = d.trim();
      if (!digest.isEmpty() && !digest.equals(layer) && out.size() < limit) {
        out.add(digest);
      }
    }
    return out;
  }

  /** Locates {@code layer} in {@code image} and opens its TOC (by the manifest's annotation). */
  private LayersAhead.Opened openAhead(RegistryReference image, String layer) throws IOException {
    Digest digest = Digest.parse(layer);
    Descriptor d =
        new LayerLocator(client)
            .locate(image, digest)
            .orElseThrow(() -> new IOException("layer " + layer + " not in image " + image));
    String toc = d.annotations().get(RemoteLabels.TOC_DIGEST);
    if (toc == null) {
      throw new IOException("layer " + layer + " has no TOC digest annotation");
    }
    BlobSource blob = client.blobSource(image, d);
    try {
      return new LayersAhead.Opened(blob, opener.open(blob, layer, Optional.of(Digest.parse(toc))));
    } catch (IOException | RuntimeException e) {
      blob.close();
      throw e;
    }
  }

  private RemoteLayer mountLayer(RemoteLayerRequest request, boolean prepare)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    LayerCoordinates at = coordinates(request.labels());
    Optional<LayersAhead.Opened> early =
        prepare ? ahead.claim(at.layer().toString()) : Optional.empty();
    if (early.isPresent()
        && at.tocDigest().isPresent()
        && !at.tocDigest().get().equals(early.get().layer().tocDigest())) {
      early.get().blob().close(); // the labels name another TOC: open as they say
      early = Optional.empty();
    }
    BlobSource blob;
    if (early.isPresent()) {
      blob = early.get().blob();
    } else {
      Descriptor descriptor =
          new LayerLocator(client)
              .locate(at.image(), at.layer())
              .orElseThrow(
                  () -> new IOException("layer " + at.layer() + " not in image " + at.image()));
      blob = client.blobSource(at.image(), descriptor);
    }
    try {
      long t1 = System.nanoTime();
      OpenedLayer opened =
          early.isPresent()
              ? early.get().layer()
              : opener.open(blob, at.layer().toString(), at.tocDigest());
      long t2 = System.nanoTime();
      String image = at.image().toString();
      Optional<ProfiledLayer> profiled = profiles.map(p -> p.layer(at.layer().toString(), image));
      RemoteLayer layer =
          RemoteLayer.mount(
              at.layer().toString(),
              blob,
              opened,
              ctx,
              mounter,
              request.mountpoint(),
              profiled.map(AccessObserver.class::cast).orElse(AccessObserver.NONE));
      if (LOG.isLoggable(Level.FINE)) {
        long t3 = System.nanoTime();
        LOG.fine(
            String.format(
                "prepare %s%s: manifest %d ms, TOC fetch+parse+index %d ms (%d entries), mount %d"
                    + " ms",
                at.layer(),
                early.isPresent() ? " (opened ahead; manifest = waiting for that open)" : "",
                (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000,
                opened.index().size(),
                (t3 - t2) / 1_000_000));
      }
      RemoteLayer previous = mounted.put(request.mountpoint(), layer);
      if (previous != null) {
        closeQuietly(previous);
      }
      if (profiled.isPresent()) {
        chains.put(
            request.chainId(),
            new ChainLink(request.mountpoint(), request.parent(), profiled.get()));
        shareLowerLayers(request.parent(), image);
      }
      if (prepare) {
        ahead.start(
            followingLayers(request.labels(), at.layer().toString(), AHEAD_LAYERS),
            l -> openAhead(at.image(), l));
      }
      return layer;
    } catch (IOException | RuntimeException e) {
      blob.close();
      throw e;
    }
  }

  /**
   * Adds {@code image} to the profiles of the lazily mounted layers below {@code parent}, which
   * another image mounted first (containerd skips the Prepare of a layer it already has). Stops at
   * the first layer that is not lazily mounted here.
   */
  private void shareLowerLayers(String parent, String image) {
    Set<String> seen = new HashSet<>();
    for (String c = parent; !c.isEmpty() && seen.add(c); ) {
      ChainLink link = chains.get(c);
      if (link == null) {
        return;
      }
      link.profiled().addImage(image);
      c = link.parent();
    }
  }

  /**
   * The images recording the first opens of the layer committed as {@code chainId}, if profiled.
   */
  Optional<List<String>> profiledImages(String chainId) {
    return Optional.ofNullable(chains.get(chainId)).map(l -> l.profiled().images());
  }

  /** Runs {@link WarmUp} with this preparer's mounter, on private fetch state. */
  @Override
  public void warmUp(Path scratch) throws IOException, InterruptedException {
    Duration took = WarmUp.run(scratch, mounter);
    LOG.info("warm-up: lazy prepare of a loopback layer took " + took.toMillis() + " ms");
  }

  @Override
  public Optional<String> unhealthyReason(Path mountpoint) {
    RemoteLayer layer = mounted.get(mountpoint);
    if (layer == null) {
      return Optional.of("no remote layer mounted at " + mountpoint);
    }
    if (layer.health().healthy()) {
      return Optional.empty();
    }
    return Optional.of(
        "layer "
            + layer.name()
            + " unhealthy: "
            + layer.health().lastFailure().map(f -> f.message()).orElse("unknown"));
  }

  @Override
  public void release(Path mountpoint) throws IOException {
    RemoteLayer layer = mounted.remove(mountpoint);
    chains.values().removeIf(l -> l.mountpoint().equals(mountpoint));
    if (layer != null) {
      layer.close();
    }
  }

  /** The layer mounted at {@code mountpoint}, if any. */
  public Optional<RemoteLayer> layerAt(Path mountpoint) {
    return Optional.ofNullable(mounted.get(mountpoint));
  }

  @Override
  public void close() throws IOException {
    ahead.close();
    IOException first = null;
    for (Path p : new ArrayList<>(mounted.keySet())) {
      try {
        release(p);
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void closeQuietly(RemoteLayer layer) {
    try {
      layer.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "unmount replaced layer " + layer.name() + ": " + e.getMessage(), e);
    }
  }

  private static String oneLine(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 2; t = t.getCause()) {
      if (t.getMessage() != null
          && (parts.isEmpty() || !parts.getLast().contains(t.getMessage()))) {
        parts.add(t.getMessage());
      }
    }
    return String.join(": ", parts).replace('\n', ' ');
  }
}
