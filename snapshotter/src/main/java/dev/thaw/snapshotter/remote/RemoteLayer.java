package dev.thaw.snapshotter.remote;

import dev.thaw.fuse.AccessObserver;
import dev.thaw.image.blob.BlobSource;
import dev.thaw.snapshotter.fetch.CachingChunkSource;
import dev.thaw.snapshotter.fetch.FetchContext;
import dev.thaw.snapshotter.fetch.LayerChunks;
import dev.thaw.snapshotter.fetch.LayerFetcher;
import dev.thaw.snapshotter.fetch.LayerHealth;
import dev.thaw.snapshotter.fetch.LayerPrefetcher;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * One lazily mounted layer: its FUSE mount, its caching chunk source, its prefetch and its health.
 * Created by {@link #mount}; {@link #close()} unmounts it and closes the blob.
 *
 * <p>Thread-safe.
 */
public final class RemoteLayer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RemoteLayer.class.getName());

  private final String name;
  private final Path mountpoint;
  private final BlobSource blob;
  private final Closeable mount;
  private final LayerHealth health;
  private final LayerPrefetcher prefetcher;
  private final CachingChunkSource source;

  private RemoteLayer(
      String name,
      Path mountpoint,
      BlobSource blob,
      Closeable mount,
      LayerHealth health,
      LayerPrefetcher prefetcher,
      CachingChunkSource source) {
    this.name = name;
    this.mountpoint = mountpoint;
    this.blob = blob;
    this.mount = mount;
    this.health = health;
    this.prefetcher = prefetcher;
    this.source = source;
  }

  /**
   * Mounts {@code layer} (read from {@code blob}) at {@code mountpoint} and starts its prefetch. On
   * failure nothing stays mounted; {@code blob} is not closed then (the caller still owns it).
   *
   * @param name the layer's name (digest) for logs and the mount table
   * @throws IOException if the mount fails
   */
  public static RemoteLayer mount(
      String name,
      BlobSource blob,
      OpenedLayer layer,
      FetchContext ctx,
      LayerMounter mounter,
      Path mountpoint)
      throws IOException {
    return mount(name, blob, layer, ctx, mounter, mountpoint, AccessObserver.NONE);
  }

  /**
   * Like {@link #mount(String, BlobSource, OpenedLayer, FetchContext, LayerMounter, Path)}, telling
   * {@code observer} of each file's first open (the start-up profile recorder).
   *
   * @throws IOException if the mount fails
   */
  public static RemoteLayer mount(
      String name,
      BlobSource blob,
      OpenedLayer layer,
      FetchContext ctx,
      LayerMounter mounter,
      Path mountpoint,
      AccessObserver observer)
      throws IOException {
    LayerHealth health = new LayerHealth();
    LayerFetcher fetcher = new LayerFetcher(name, blob, layer.codec(), ctx, health);
    CachingChunkSource source = new CachingChunkSource(LayerChunks.of(layer.index()), fetcher);
    Closeable mount = mounter.mount(name, layer.index(), source, mountpoint, observer);
    LayerPrefetcher prefetcher = new LayerPrefetcher(layer.index(), fetcher);
    prefetcher.start();
    LOG.info(
        "mounted layer "
            + name
            + " lazily at "
            + mountpoint
            + " ("
            + prefetcher.prioritized().size()
            + " chunks to prefetch)");
    return new RemoteLayer(name, mountpoint, blob, mount, health, prefetcher, source);
  }

  /** The layer's name (digest). */
  public String name() {
    return name;
  }

  /** Where the layer is mounted. */
  public Path mountpoint() {
    return mountpoint;
  }

  /** Whether reads currently succeed. */
  public LayerHealth health() {
    return health;
  }

  /** The chunk source behind the mount. */
  public CachingChunkSource source() {
    return source;
  }

  /** The layer's prefetch. */
  public LayerPrefetcher prefetcher() {
    return prefetcher;
  }

  /**
   * Waits up to {@code timeout} for the prioritized region to be fetched.
   *
   * @return whether it was fetched in time
   * @throws InterruptedException if interrupted
   */
  public boolean awaitPrefetch(Duration timeout) throws InterruptedException {
    return prefetcher.awaitPrefetch(timeout);
  }

  /**
   * Waits up to {@code timeout} for the head of the prioritized region (its first prefetch run).
   *
   * @return whether it was fetched in time
   * @throws InterruptedException if interrupted
   */
  public boolean awaitPrefetchHead(Duration timeout) throws InterruptedException {
    return prefetcher.awaitHead(timeout);
  }

  /** Unmounts the layer and closes its blob. Queued fetches of it fail harmlessly. */
  @Override
  public void close() throws IOException {
    try {
      mount.close();
    } finally {
      blob.close();
    }
    LOG.info("unmounted layer " + name + " from " + mountpoint);
  }
}
