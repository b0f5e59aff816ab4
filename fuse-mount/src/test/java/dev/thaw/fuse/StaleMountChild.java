package dev.thaw.fuse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Mounts a small layer at {@code args[0]}, prints {@code MOUNTED} and serves until killed: a
 * process whose death leaves a stale FUSE mount behind.
 */
final class StaleMountChild {
  private StaleMountChild() {}

  public static void main(String[] args) throws Exception {
    MemoryChunkSource source = new MemoryChunkSource();
    LayerMount mount =
        LayerMount.mount(
            new TestTocs(source).file("f", 0644, "x".getBytes(StandardCharsets.UTF_8)).build(),
            source,
            Path.of(args[0]),
            MountOptions.named("stale-child"));
    System.out.println("MOUNTED " + mount.mountpoint());
    System.out.flush();
    Thread.sleep(120_000);
    mount.close();
  }
}
