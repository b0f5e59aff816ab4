package dev.thaw.fuse;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a layer is mounted.
 *
 * <p>Immutable.
 *
 * @param name names the mount in {@code /proc/mounts} (as {@code thaw:NAME}) and in log messages,
 *     e.g. the layer digest; letters, digits and {@code :._-} only
 * @param allowOther whether users other than the mounting one may access the mount (containers run
 *     as other users; needs root or {@code user_allow_other})
 * @param mountTimeout how long {@link LayerMount#mount} waits for the mount to go live
 * @param cacheTimeout how long the kernel may cache attributes, names and negative lookups (the
 *     layer is immutable, so long is right)
 */
public record MountOptions(
    String name, boolean allowOther, Duration mountTimeout, Duration cacheTimeout) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9:._-]{1,200}");

  /** Validates the name and the durations. */
  public MountOptions {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "mount options: name '" + name + "' must match " + NAME.pattern());
    }
    if (mountTimeout.isNegative() || mountTimeout.isZero()) {
      throw new IllegalArgumentException("mount options: mountTimeout must be positive");
    }
    if (cacheTimeout.isNegative()) {
      throw new IllegalArgumentException("mount options: cacheTimeout must not be negative");
    }
  }

  /** Defaults: others allowed, 10 s to mount, 1 h kernel caching. */
  public static MountOptions named(String name) {
    return new MountOptions(name, true, Duration.ofSeconds(10), Duration.ofHours(1));
  }
}
