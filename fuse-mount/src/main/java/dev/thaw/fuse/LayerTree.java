package dev.thaw.fuse;

import dev.thaw.image.toc.TocEntryType;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The overlay-ready view of one layer's {@link TocIndex}, as overlayfs expects a lower directory: a
 * tar whiteout {@code .wh.NAME} is shown as a char device 0:0 named {@code NAME}; an opaque marker
 * {@code .wh..wh..opq} is hidden and shown as the xattr {@code trusted.overlay.opaque=y} on its
 * directory. Names starting with {@code .wh.} are never shown as such.
 *
 * <p>Paths are FUSE paths ({@code "/"}, {@code "/etc/hosts"}). Immutable and thread-safe.
 */
final class LayerTree {
  static final String WHITEOUT_PREFIX = ".wh.";
  static final String OPAQUE_MARKER = ".wh..wh..opq";

  /**
   * eStargz prefetch landmarks: root entries the writer adds to mark the end of the prefetched
   * region. They are not part of the image's content; like stargz-snapshotter, the mount hides
   * them.
   */
  static final List<String> LANDMARKS = List.of(".prefetch.landmark", ".no.prefetch.landmark");

  private final TocIndex index;

  LayerTree(TocIndex index) {
    this.index = index;
  }

  TocIndex index() {
    return index;
  }

  /** The node at FUSE path {@code path}, if the mounted view has one. */
  Optional<LayerNode> lookup(String path) {
    String tocPath = tocPath(path);
    if (tocPath.isEmpty()) {
      return Optional.of(present(index.root()));
    }
    int slash = tocPath.lastIndexOf('/');
    String name = tocPath.substring(slash + 1);
    if (name.startsWith(WHITEOUT_PREFIX) || (slash < 0 && LANDMARKS.contains(name))) {
      return Optional.empty();
    }
    Optional<TocNode> real = index.lookup(tocPath);
    if (real.isPresent()) {
      return Optional.of(present(real.get()));
    }
    String parent = slash < 0 ? "" : tocPath.substring(0, slash + 1);
    return index
        .lookup(parent + WHITEOUT_PREFIX + name)
        .map(wh -> new LayerNode(wh, name, true, false));
  }

  /** The children of directory {@code dir} as the mounted view shows them, sorted by TOC name. */
  List<LayerNode> children(LayerNode dir) {
    List<TocNode> tocChildren = index.children(dir.tocNode());
    List<LayerNode> shown = new ArrayList<>(tocChildren.size());
    for (TocNode child : tocChildren) {
      String name = child.name();
      if (name.equals(OPAQUE_MARKER)
          || (dir.tocNode().path().isEmpty() && LANDMARKS.contains(name))) {
        continue;
      }
      if (name.startsWith(WHITEOUT_PREFIX)) {
        String hidden = name.substring(WHITEOUT_PREFIX.length());
        // A layer that both adds and whites out a name is malformed; the real entry wins.
        if (!hidden.isEmpty() && index.lookup(siblingPath(child, hidden)).isEmpty()) {
          shown.add(new LayerNode(child, hidden, true, false));
        }
        continue;
      }
      shown.add(present(child));
    }
    return shown;
  }

  /** The regular file with inode {@code inode}, for reads through an open file handle. */
  Optional<TocNode> file(long inode) {
    return index.node(inode).filter(TocNode::isRegularFile);
  }

  private LayerNode present(TocNode node) {
    boolean opaque =
        node.entry().type() == TocEntryType.DIR
            && index.lookup(childPath(node.path(), OPAQUE_MARKER)).isPresent();
    return new LayerNode(node, node.name(), false, opaque);
  }

  private static String siblingPath(TocNode node, String name) {
    String path = node.path();
    int slash = path.lastIndexOf('/');
    return slash < 0 ? name : path.substring(0, slash + 1) + name;
  }

  private static String childPath(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  /** The TOC path of FUSE path {@code path}: without the leading and any trailing slash. */
  static String tocPath(String path) {
    int start = 0;
    int end = path.length();
    while (start < end && path.charAt(start) == '/') {
      start++;
    }
    while (end > start && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(start, end);
  }
}
