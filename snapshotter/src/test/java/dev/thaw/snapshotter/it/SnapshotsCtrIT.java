package dev.thaw.snapshotter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.thaw.testimages.containerd.CommandFailedException;
import dev.thaw.testimages.containerd.ContainerdExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ctr snapshots} sequences against thaw (as a containerd proxy plugin) and against
 * containerd's built-in overlayfs snapshotter give the same results, modulo root paths and
 * timestamps. Needs root, containerd 1.6 and overlayfs (CI has them).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SnapshotsCtrIT {

  @RegisterExtension
  @Order(1)
  static final ThawDaemon thaw = ThawDaemon.inNewTempDir();

  @RegisterExtension
  @Order(2)
  static final ContainerdExtension containerd =
      new ContainerdExtension()
          .withConfig(String.join("\n", ThawDaemon.proxyConfig(thaw.socket())));

  @Test
  void ctrSequence_thawAndOverlayfs_sameResults() throws Exception {
    List<String> overlay =
        sequence("overlayfs", containerd.root().resolve("io.containerd.snapshotter.v1.overlayfs"));
    List<String> ours = sequence("thaw", thaw.root());
    assertEquals(String.join("\n", overlay), String.join("\n", ours));
  }

  /** Runs one sequence and returns each step's normalized output. */
  private List<String> sequence(String snapshotter, Path root) throws IOException {
    List<String> out = new ArrayList<>();
    Step s = new Step(snapshotter, root, out);
    s.run("prepare", "seq-base-a");
    String mounts = s.run("mounts", "/mnt", "seq-base-a");
    Path upper = Path.of(mounts.replaceAll("(?s).* (/\\S+/fs) .*", "$1").trim());
    Files.write(upper.resolve("data"), new byte[8192]);
    Files.createDirectories(upper.resolve("etc"));
    Files.writeString(upper.resolve("etc/hostname"), "thaw\n");
    s.run("usage", "seq-base-a");
    s.run("commit", "seq-base", "seq-base-a");
    s.run("prepare", "seq-child", "seq-base");
    s.run("mounts", "/mnt", "seq-child");
    s.run("view", "seq-view", "seq-base");
    s.run("mounts", "/mnt", "seq-view");
    s.run("ls");
    s.run("info", "seq-base");
    s.run("usage", "seq-base");
    s.run("usage");
    s.run("label", "seq-base", "foo=bar");
    s.run("info", "seq-base");
    s.run("label", "seq-base", "foo=");
    s.run("info", "seq-base");
    s.run("rm", "seq-base");
    // No commit onto an existing name here: containerd's metadata layer commits the backend
    // first, so the reference (overlayfs) diverges between runs; the unit contract covers it.
    s.run("rm", "seq-child", "seq-view");
    s.run("prepare", "seq-base-a");
    s.run("mounts", "/mnt", "seq-base-a");
    s.run("rm", "seq-base-a", "seq-base");
    s.run("ls");
    s.run("info", "nope");
    return out;
  }

  /** One ctr invocation, output normalized. */
  private record Step(String snapshotter, Path root, List<String> out) {
    String run(String... args) throws IOException {
      List<String> cmd = new ArrayList<>(List.of("snapshots", "--snapshotter", snapshotter));
      cmd.addAll(List.of(args));
      String result;
      try {
        result = containerd.ctr(cmd.toArray(String[]::new));
      } catch (CommandFailedException e) {
        result = "exit " + e.exitCode() + ": " + e.stderr().replaceAll("time=\"[^\"]*\" ", "");
      }
      if (args[0].equals("label")) {
        // ctr prints the labels from a Go map: random order
        result = String.join(",", new java.util.TreeSet<>(List.of(result.strip().split(","))));
      }
      String normalized =
          result
              .replace(root.toString(), "ROOT")
              .replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "TIME")
              .replaceAll("(?m)\\s+$", "");
      out.add("$ ctr snapshots " + String.join(" ", args) + "\n" + normalized);
      return result;
    }
  }
}
