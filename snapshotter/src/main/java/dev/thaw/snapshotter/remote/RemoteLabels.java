package dev.thaw.snapshotter.remote;

/** The labels containerd and CRI put on a Prepare of a layer, as Thaw reads them. */
public final class RemoteLabels {
  /** The chainID the layer is committed as. */
  public static final String SNAPSHOT_REF = "containerd.io/snapshot.ref";

  /** The image reference, from CRI. */
  public static final String IMAGE_REF = "containerd.io/snapshot/cri.image-ref";

  /** The layer's (compressed) digest, from CRI. */
  public static final String LAYER_DIGEST = "containerd.io/snapshot/cri.layer-digest";

  /** The image reference, from {@code ctr-remote images rpull} (used when CRI's is absent). */
  public static final String STARGZ_REFERENCE = "containerd.io/snapshot/remote/stargz.reference";

  /** The layer's digest, from {@code ctr-remote images rpull} (used when CRI's is absent). */
  public static final String STARGZ_DIGEST = "containerd.io/snapshot/remote/stargz.digest";

  /** CRI: comma-separated digests of this layer and the image's layers above it. */
  public static final String IMAGE_LAYERS = "containerd.io/snapshot/cri.image-layers";

  /** The same list from {@code ctr-remote images rpull} (used when CRI's is absent). */
  public static final String STARGZ_LAYERS = "containerd.io/snapshot/remote/stargz.layers";

  /** The eStargz TOC digest annotation, passed on as a label. */
  public static final String TOC_DIGEST = "containerd.io/snapshot/stargz/toc.digest";

  private RemoteLabels() {}
}
