package dev.thaw.snapshotter.profile;

import dev.thaw.image.oci.RegistryReference;
import dev.thaw.snapshotter.config.InvalidConfigException;
import dev.thaw.snapshotter.config.ThawConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code thaw-snapshotter profile export|list}: reads the start-up profiles a daemon recorded under
 * its root, also while it runs. Confined to the command's thread.
 */
@Command(
    name = "profile",
    description = "Start-up access profiles recorded by the daemon.",
    subcommands = {ProfileCommand.Export.class, ProfileCommand.ListProfiles.class})
public final class ProfileCommand {

  /** For picocli. */
  public ProfileCommand() {}

  /** Where the daemon's root is: {@code --root}, or the {@code root} of a config file. */
  static final class RootSelection {
    @Option(names = "--root", description = "The daemon's state directory.")
    Path root;

    @Option(
        names = "--config",
        description =
            "The daemon's TOML config file; its `root` is used (default /etc/thaw/config.toml).")
    Path config;

    static Path resolve(RootSelection s) throws InvalidConfigException {
      if (s != null && s.root != null) {
        return s.root;
      }
      if (s != null && s.config != null) {
        return ThawConfig.load(s.config, true).root();
      }
      return ThawConfig.load(ThawConfig.DEFAULT_FILE, false).root();
    }
  }

  /** {@code profile export REF}: the image's files in first-access order, as a prefetch list. */
  @Command(
      name = "export",
      description =
          "Print the files containers of REF opened at start-up, first access first, one a line,"
              + " in the format of `thaw-indexer convert --prefetch`.")
  static final class Export implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REF", description = "Image reference as pulled.")
    String ref;

    @ArgGroup(exclusive = true)
    RootSelection where;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Path file = RootSelection.resolve(where).resolve(ProfileStore.FILE_NAME);
      try (ProfileStore store = ProfileStore.openExisting(file)) {
        String image = resolveImage(store, ref, file);
        awaitFlush(store.image(image).orElseThrow());
        PrintWriter out = spec.commandLine().getOut();
        for (ProfiledFile f : store.files(image)) {
          out.println(PrefetchLines.line(f.path()));
        }
        out.flush();
      }
      return 0;
    }
  }

  /** {@code profile list}: every image with a profile. */
  @Command(
      name = "list",
      description = "List the images with profiles: reference, start, files, bytes read.")
  static final class ListProfiles implements Callable<Integer> {
    @ArgGroup(exclusive = true)
    RootSelection where;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Path file = RootSelection.resolve(where).resolve(ProfileStore.FILE_NAME);
      try (ProfileStore store = ProfileStore.openExisting(file)) {
        PrintWriter out = spec.commandLine().getOut();
        for (ProfileSummary s : store.images()) {
          out.println(s.image() + "\t" + s.windowStart() + "\t" + s.files() + "\t" + s.bytesRead());
        }
        out.flush();
      }
      return 0;
    }
  }

  /**
   * While the image's window is open, waits two flush intervals of the daemon's recorder, so every
   * first open that happened before the export started is in the store.
   */
  static void awaitFlush(ProfileSummary profile) throws IOException {
    if (!profile.mayStillRecord(Instant.now(), ProfileRecorder.FLUSH_INTERVAL)) {
      return;
    }
    try {
      Thread.sleep(ProfileRecorder.FLUSH_INTERVAL.multipliedBy(2).plusMillis(50));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("export profile of " + profile.image() + ": interrupted", e);
    }
  }

  /**
   * The stored image name for {@code ref}: its canonical form ({@code ubuntu} is {@code
   * docker.io/library/ubuntu}), else {@code ref} as given.
   *
   * @throws IOException naming the reference and listing the images that do have profiles
   */
  static String resolveImage(ProfileStore store, String ref, Path file) throws IOException {
    String canonical;
    try {
      canonical = RegistryReference.parse(ref).toString();
    } catch (IllegalArgumentException e) {
      canonical = ref;
    }
    for (String candidate : List.of(canonical, ref)) {
      if (store.image(candidate).isPresent()) {
        return candidate;
      }
    }
    List<String> known = store.images().stream().map(ProfileSummary::image).toList();
    throw new IOException(
        "export profile of "
            + ref
            + ": no profile in "
            + file
            + (known.isEmpty()
                ? " (no image has one yet)"
                : "; images with profiles: " + String.join(", ", known)));
  }
}
