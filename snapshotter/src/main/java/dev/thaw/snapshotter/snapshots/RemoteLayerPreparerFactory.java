package dev.thaw.snapshotter.snapshots;

import dev.thaw.snapshotter.config.ThawConfig;
import java.io.IOException;

/**
 * SPI, found with {@link java.util.ServiceLoader}: builds the {@link RemoteLayerPreparer} the
 * daemon uses. The fetch engine registers one in {@code
 * META-INF/services/dev.thaw.snapshotter.snapshots.RemoteLayerPreparerFactory}; without one the
 * daemon uses {@link NoopRemoteLayerPreparer}. Implementations are stateless.
 */
public interface RemoteLayerPreparerFactory {

  /**
   * Builds the preparer for a daemon configured by {@code config} (cache under {@code
   * config.root()}, registries, fetch limits). Called once, before any snapshot is restored.
   */
  RemoteLayerPreparer create(ThawConfig config) throws IOException;
}
