package dev.thaw.fuse;

import dev.thaw.image.toc.TocNode;

/**
 * A name as the mounted file system shows it: a TOC node, possibly presented as an overlay
 * whiteout.
 *
 * <p>Immutable.
 *
 * @param tocNode the TOC node (for a whiteout: the {@code .wh.NAME} entry)
 * @param name the name shown in the directory (for a whiteout: {@code NAME})
 * @param whiteout whether to present the node as overlayfs's whiteout, a char device 0:0
 * @param opaque whether the node is a directory with a {@code .wh..wh..opq} marker, shown as the
 *     xattr {@code trusted.overlay.opaque=y}
 */
record LayerNode(TocNode tocNode, String name, boolean whiteout, boolean opaque) {
  long inode() {
    return tocNode.inode();
  }
}
