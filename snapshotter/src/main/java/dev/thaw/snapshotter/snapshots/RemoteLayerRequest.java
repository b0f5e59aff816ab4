package dev.thaw.snapshotter.snapshots;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A layer containerd asked for, to be mounted lazily. Immutable.
 *
 * @param key the snapshot key containerd prepared (on restore: the committed name)
 * @param chainId the {@code containerd.io/snapshot.ref} label: the name the layer is committed as
 * @param parent the committed parent's name, {@code ""} for the bottom layer
 * @param labels every label of the request, including {@code containerd.io/snapshot/*} annotations
 *     (TOC digest) and CRI's {@code cri.image-ref}, {@code cri.layer-digest} (copied)
 * @param mountpoint an existing empty directory to mount the layer's file tree on
 */
public record RemoteLayerRequest(
    String key, String chainId, String parent, Map<String, String> labels, Path mountpoint) {

  /** Validates and copies. */
  public RemoteLayerRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(mountpoint, "mountpoint");
    labels = Map.copyOf(labels);
  }
}
