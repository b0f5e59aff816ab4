package dev.thaw.snapshotter.remote;

import dev.thaw.fuse.AccessObserver;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.snapshotter.fetch.CachingChunkSource;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Mounts a layer's file tree over FUSE. The seam to {@code fuse-mount}'s {@code LayerMount}.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
public interface LayerMounter {
  /**
   * Mounts the layer at {@code mountpoint} (an existing empty directory) and returns once it is
   * served; closing the result unmounts it.
   *
   * @param name the mount's name (the layer digest) for {@code /proc/mounts} and logs
   * @param observer told of each file's first open ({@link AccessObserver#NONE} for nobody)
   * @throws IOException if the mount fails
   */
  Closeable mount(
      String name,
      TocIndex index,
      CachingChunkSource source,
      Path mountpoint,
      AccessObserver observer)
      throws IOException;
}
