package dev.thaw.image.tar;

import dev.thaw.image.oci.Digest;

/**
 * What a seekable-layer writer produced: the numbers a manifest, its annotations and the image
 * config need.
 *
 * <p>Immutable.
 *
 * @param blobDigest sha256 of the compressed blob (the layer descriptor's digest)
 * @param blobSize size of the compressed blob
 * @param diffId sha256 of the uncompressed tar that results (the config's diffID)
 * @param tocDigest sha256 of the uncompressed TOC JSON (the TOC-digest annotation)
 * @param uncompressedSize size of the uncompressed tar
 * @param tocOffset blob offset where the TOC starts
 */
public record WrittenLayer(
    Digest blobDigest,
    long blobSize,
    Digest diffId,
    Digest tocDigest,
    long uncompressedSize,
    long tocOffset) {}
