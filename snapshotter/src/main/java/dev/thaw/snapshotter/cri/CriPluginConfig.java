package dev.thaw.snapshotter.cri;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * What of containerd's CRI plugin config decides whether a CRI pull can be lazy: the snapshotter it
 * unpacks with, and whether it passes the layer annotations ({@code cri.image-ref}, {@code
 * cri.layer-digest}, the TOC digest) to that snapshotter as labels. Immutable.
 *
 * @param snapshotter {@code [plugins."io.containerd.grpc.v1.cri".containerd] snapshotter}
 * @param snapshotAnnotations {@code disable_snapshot_annotations = false}
 */
record CriPluginConfig(String snapshotter, boolean snapshotAnnotations) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Validates. */
  CriPluginConfig {
    Objects.requireNonNull(snapshotter, "snapshotter");
  }

  /**
   * Reads the config JSON containerd reports under {@code info["config"]} of a verbose CRI status:
   * {@code {"containerd": {"snapshotter": …, "disableSnapshotAnnotations": …}, …}}.
   *
   * @throws IOException if it is not JSON or lacks the snapshotter
   */
  static CriPluginConfig parse(String json) throws IOException {
    JsonNode containerd;
    try {
      containerd = JSON.readTree(json).path("containerd");
    } catch (JsonProcessingException e) {
      throw new IOException("read containerd's CRI config: not JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode snapshotter = containerd.path("snapshotter");
    if (!snapshotter.isTextual()) {
      throw new IOException("read containerd's CRI config: no containerd.snapshotter in it");
    }
    // Absent in containerd before 1.4, where annotations were always passed.
    boolean disabled = containerd.path("disableSnapshotAnnotations").asBoolean(false);
    return new CriPluginConfig(snapshotter.asText(), !disabled);
  }

  /**
   * Why a CRI pull would not be lazy through snapshotter {@code expected}, as the config change
   * that fixes it; empty if it would be.
   */
  Optional<String> problemFor(String expected) {
    String table = "[plugins.\"io.containerd.grpc.v1.cri\".containerd]";
    if (!snapshotter.equals(expected)) {
      return Optional.of(
          "containerd's CRI plugin unpacks images with snapshotter \""
              + snapshotter
              + "\", not \""
              + expected
              + "\": set snapshotter = \""
              + expected
              + "\" in "
              + table
              + " of containerd's config and restart containerd");
    }
    if (!snapshotAnnotations) {
      return Optional.of(
          "containerd's CRI plugin does not pass layer annotations to snapshotters, so every layer"
              + " would be pulled in full: set disable_snapshot_annotations = false in "
              + table
              + " of containerd's config and restart containerd");
    }
    return Optional.empty();
  }
}
