package dev.thaw.snapshotter.snapshots;

import java.util.List;
import java.util.Objects;

/**
 * One mount(2) call for the runtime, as containerd's {@code Mount} type. Immutable.
 *
 * @param type {@code bind} or {@code overlay}
 * @param source a host path, or {@code overlay}
 * @param options fstab-style options, in order (copied)
 */
public record Mount(String type, String source, List<String> options) {

  /** Validates and copies. */
  public Mount {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    options = List.copyOf(options);
  }
}
