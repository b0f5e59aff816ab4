package dev.thaw.snapshotter.remote;

import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.snapshotter.fetch.ChunkCodec;

/**
 * A seekable layer whose TOC has been read and verified: what a lazy mount needs. Immutable.
 *
 * @param index the layer's TOC index
 * @param tocDigest the verified digest of the uncompressed TOC
 * @param codec decompresses and verifies the layer's chunks
 */
public record OpenedLayer(TocIndex index, Digest tocDigest, ChunkCodec codec) {}
