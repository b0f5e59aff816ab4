package dev.thaw.snapshotter.grpc;

import com.google.protobuf.Timestamp;
import dev.thaw.proto.containerd.snapshots.v1.Info;
import dev.thaw.snapshotter.metadata.Kind;
import dev.thaw.snapshotter.snapshots.InvalidSnapshotArgumentException;
import dev.thaw.snapshotter.snapshots.Mount;
import dev.thaw.snapshotter.snapshots.SnapshotInfo;
import java.time.Instant;
import java.util.List;

/** Converts between generated protobuf types and the snapshot model. Thread-safe (stateless). */
final class ProtoConversions {

  private ProtoConversions() {}

  static List<dev.thaw.proto.containerd.types.Mount> toProto(List<Mount> mounts) {
    return mounts.stream()
        .map(m ->
            dev.thaw.proto.containerd.types.Mount.newBuilder()
                .setType(m.type())
                .setSource(m.source())
                .addAllOptions(m.options())
                .build())
        .toList();
  }

  static Info toProto(SnapshotInfo info) {
    return Info.newBuilder()
        .setName(info.name())
        .setParent(info.parent())
        .setKind(toProto(info.kind()))
        .setCreatedAt(toProto(info.createdAt()))
        .setUpdatedAt(toProto(info.updatedAt()))
        .putAllLabels(info.labels())
        .build();
  }

  static SnapshotInfo fromProto(Info info) throws InvalidSnapshotArgumentException {
    return new SnapshotInfo(
        info.getName(),
        info.getParent(),
        fromProto(info.getKind()),
        fromProto(info.getCreatedAt()),
        fromProto(info.getUpdatedAt()),
        info.getLabelsMap());
  }

  private static dev.thaw.proto.containerd.snapshots.v1.Kind toProto(Kind kind) {
    return switch (kind) {
      case VIEW -> dev.thaw.proto.containerd.snapshots.v1.Kind.VIEW;
      case ACTIVE -> dev.thaw.proto.containerd.snapshots.v1.Kind.ACTIVE;
      case COMMITTED -> dev.thaw.proto.containerd.snapshots.v1.Kind.COMMITTED;
    };
  }

  private static Kind fromProto(dev.thaw.proto.containerd.snapshots.v1.Kind kind) {
    return switch (kind) {
      case VIEW -> Kind.VIEW;
      case COMMITTED -> Kind.COMMITTED;
      // Update requests need not carry a kind; it is immutable and ignored there.
      default -> Kind.ACTIVE;
    };
  }

  private static Timestamp toProto(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private static Instant fromProto(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
