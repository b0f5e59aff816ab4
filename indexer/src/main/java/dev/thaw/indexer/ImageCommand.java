package dev.thaw.indexer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the common options and the CLI's streams. Set by picocli. */
abstract class ImageCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @ParentCommand ThawIndexerMain main;

  @Spec CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  Progress progress() {
    return Progress.forOutput(err(), main.terminal());
  }

  ImageAccess access() {
    return new ImageAccess(common.insecureRegistries, dockerConfig());
  }

  Path tempDirectory() {
    return main.tempDirectory();
  }

  Path dockerConfig() {
    return common.dockerConfig != null ? common.dockerConfig : main.defaultDockerConfig();
  }
}
