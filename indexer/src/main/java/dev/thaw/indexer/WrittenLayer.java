package dev.thaw.indexer;

import dev.thaw.image.oci.Digest;
import java.util.Map;

/**
 * A seekable layer the format writer produced in the staging area.
 *
 * @param digest the blob's digest
 * @param size the blob's size
 * @param diffId the digest of the uncompressed tar
 * @param tocDigest the TOC digest
 * @param annotations the layer annotations the format defines (TOC digest, uncompressed size, …)
 */
record WrittenLayer(
    Digest digest, long size, Digest diffId, Digest tocDigest, Map<String, String> annotations) {
  WrittenLayer {
    annotations = Map.copyOf(annotations);
  }
}
