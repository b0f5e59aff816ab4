package dev.thaw.snapshotter.snapshots;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * SPI: mounts remote layers lazily for the snapshotter. Implemented by the fetch engine; {@link
 * NoopRemoteLayerPreparer} when remote layers are off.
 *
 * <p>Implementations are thread-safe: the snapshotter calls them concurrently for different layers
 * (never twice concurrently for one mountpoint). Every method may block on the network. The
 * snapshotter owns the mountpoint directories; the preparer owns the mounts on them.
 */
public interface RemoteLayerPreparer extends AutoCloseable {

  /**
   * Called on a Prepare whose labels carry {@code containerd.io/snapshot.ref}. Resolves the layer
   * from the labels, verifies its TOC and mounts it at {@code request.mountpoint()}.
   *
   * <p>Never throws for a layer that merely cannot be served lazily: that is a {@link
   * RemotePrepareOutcome.Fallback} with the reason, and nothing stays mounted.
   *
   * @throws InterruptedException if interrupted while waiting; nothing stays mounted
   */
  RemotePrepareOutcome prepare(RemoteLayerRequest request) throws InterruptedException;

  /**
   * Called at start, before serving, for every committed remote snapshot recorded in metadata:
   * mount the layer again at {@code request.mountpoint()} (stale mounts are already cleared).
   *
   * @throws IOException if the layer cannot be mounted again; the snapshot stays listed and {@link
   *     #unhealthyReason} reports it
   */
  void restore(RemoteLayerRequest request) throws IOException;

  /**
   * Health of the layer mounted at {@code mountpoint}: empty when it serves reads, otherwise the
   * reason (e.g. registry unreachable). Cheap, never blocks on the network.
   */
  Optional<String> unhealthyReason(Path mountpoint);

  /** Unmounts the layer at {@code mountpoint} before its snapshot is removed; idempotent. */
  void release(Path mountpoint) throws IOException;

  /**
   * Called once at start, before serving: exercises the lazy-mount path once (a throwaway layer
   * mounted on {@code scratch}, an empty directory it may create, and unmounted again) so that the
   * first real Prepare runs warm. The default does nothing.
   *
   * @throws IOException if the warm-up failed; the daemon serves anyway
   * @throws InterruptedException if interrupted; nothing stays mounted
   */
  default void warmUp(Path scratch) throws IOException, InterruptedException {}

  /** Unmounts every layer and stops background work. */
  @Override
  void close() throws IOException;
}
