package dev.thaw.snapshotter.snapshots;

import dev.thaw.snapshotter.metadata.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Computes the mounts of an active snapshot or view exactly as containerd's overlayfs snapshotter
 * does. Immutable.
 *
 * <ul>
 *   <li>no parent: a bind mount of the snapshot's own {@code fs} ({@code rw} or, for a view, {@code
 *       ro}), because overlay needs at least one lower dir;
 *   <li>a view with one parent: a read-only bind mount of the parent's {@code fs};
 *   <li>otherwise overlay: {@code index=off} (when the kernel has the overlay index feature),
 *       {@code workdir} and {@code upperdir} for an active snapshot, and {@code lowerdir} with the
 *       nearest parent first.
 * </ul>
 */
final class OverlayMounts {

  private final SnapshotDirectories dirs;
  private final boolean indexOff;

  OverlayMounts(SnapshotDirectories dirs, boolean indexOff) {
    this.dirs = dirs;
    this.indexOff = indexOff;
  }

  /**
   * @param id the snapshot's id
   * @param kind ACTIVE or VIEW
   * @param parentIds ids of the parent chain, nearest first
   */
  List<Mount> of(long id, Kind kind, List<Long> parentIds) {
    if (parentIds.isEmpty()) {
      String mode = kind == Kind.VIEW ? "ro" : "rw";
      return List.of(new Mount("bind", dirs.fs(id).toString(), List.of(mode, "rbind")));
    }
    List<String> options = new ArrayList<>();
    if (indexOff) {
      options.add("index=off");
    }
    if (kind == Kind.ACTIVE) {
      options.add("workdir=" + dirs.work(id));
      options.add("upperdir=" + dirs.fs(id));
    } else if (parentIds.size() == 1) {
      return List.of(
          new Mount("bind", dirs.fs(parentIds.get(0)).toString(), List.of("ro", "rbind")));
    }
    options.add(
        "lowerdir="
            + parentIds.stream().map(p -> dirs.fs(p).toString()).collect(Collectors.joining(":")));
    return List.of(new Mount("overlay", "overlay", options));
  }
}
