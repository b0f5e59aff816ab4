package dev.thaw.snapshotter.grpc;

import com.google.protobuf.Empty;
import dev.thaw.proto.containerd.snapshots.v1.CleanupRequest;
import dev.thaw.proto.containerd.snapshots.v1.CommitSnapshotRequest;
import dev.thaw.proto.containerd.snapshots.v1.ListSnapshotsRequest;
import dev.thaw.proto.containerd.snapshots.v1.ListSnapshotsResponse;
import dev.thaw.proto.containerd.snapshots.v1.MountsRequest;
import dev.thaw.proto.containerd.snapshots.v1.MountsResponse;
import dev.thaw.proto.containerd.snapshots.v1.PrepareSnapshotRequest;
import dev.thaw.proto.containerd.snapshots.v1.PrepareSnapshotResponse;
import dev.thaw.proto.containerd.snapshots.v1.RemoveSnapshotRequest;
import dev.thaw.proto.containerd.snapshots.v1.SnapshotsGrpc;
import dev.thaw.proto.containerd.snapshots.v1.StatSnapshotRequest;
import dev.thaw.proto.containerd.snapshots.v1.StatSnapshotResponse;
import dev.thaw.proto.containerd.snapshots.v1.UpdateSnapshotRequest;
import dev.thaw.proto.containerd.snapshots.v1.UpdateSnapshotResponse;
import dev.thaw.proto.containerd.snapshots.v1.UsageRequest;
import dev.thaw.proto.containerd.snapshots.v1.UsageResponse;
import dev.thaw.proto.containerd.snapshots.v1.ViewSnapshotRequest;
import dev.thaw.proto.containerd.snapshots.v1.ViewSnapshotResponse;
import dev.thaw.snapshotter.snapshots.SnapshotInfo;
import dev.thaw.snapshotter.snapshots.Snapshotter;
import dev.thaw.snapshotter.snapshots.Usage;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;

/**
 * Adapts containerd's {@code Snapshots} gRPC service to a {@link Snapshotter}. Thread-safe: calls
 * run on the server's bounded executor and block in the snapshotter.
 */
final class SnapshotsService extends SnapshotsGrpc.SnapshotsImplBase {

  /** Containerd sends List results in batches; 100 keeps each message small. */
  private static final int LIST_BATCH = 100;

  private final Snapshotter snapshotter;

  SnapshotsService(Snapshotter snapshotter) {
    this.snapshotter = snapshotter;
  }

  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  private static <T> void unary(String operation, StreamObserver<T> observer, Call<T> call) {
    T response;
    try {
      response = call.run();
    } catch (IOException | RuntimeException e) {
      observer.onError(StatusMapper.toStatus(operation, e));
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }

  @Override
  public void prepare(PrepareSnapshotRequest r, StreamObserver<PrepareSnapshotResponse> o) {
    unary(
        "prepare " + r.getKey(),
        o,
        () ->
            PrepareSnapshotResponse.newBuilder()
                .addAllMounts(
                    ProtoConversions.toProto(
                        snapshotter.prepare(r.getKey(), r.getParent(), r.getLabelsMap())))
                .build());
  }

  @Override
  public void view(ViewSnapshotRequest r, StreamObserver<ViewSnapshotResponse> o) {
    unary(
        "view " + r.getKey(),
        o,
        () ->
            ViewSnapshotResponse.newBuilder()
                .addAllMounts(
                    ProtoConversions.toProto(
                        snapshotter.view(r.getKey(), r.getParent(), r.getLabelsMap())))
                .build());
  }

  @Override
  public void mounts(MountsRequest r, StreamObserver<MountsResponse> o) {
    unary(
        "mounts " + r.getKey(),
        o,
        () ->
            MountsResponse.newBuilder()
                .addAllMounts(ProtoConversions.toProto(snapshotter.mounts(r.getKey())))
                .build());
  }

  @Override
  public void commit(CommitSnapshotRequest r, StreamObserver<Empty> o) {
    unary(
        "commit " + r.getKey() + " as " + r.getName(),
        o,
        () -> {
          snapshotter.commit(r.getName(), r.getKey(), r.getLabelsMap());
          return Empty.getDefaultInstance();
        });
  }

  @Override
  public void remove(RemoveSnapshotRequest r, StreamObserver<Empty> o) {
    unary(
        "remove " + r.getKey(),
        o,
        () -> {
          snapshotter.remove(r.getKey());
          return Empty.getDefaultInstance();
        });
  }

  @Override
  public void stat(StatSnapshotRequest r, StreamObserver<StatSnapshotResponse> o) {
    unary(
        "stat " + r.getKey(),
        o,
        () ->
            StatSnapshotResponse.newBuilder()
                .setInfo(ProtoConversions.toProto(snapshotter.stat(r.getKey())))
                .build());
  }

  @Override
  public void update(UpdateSnapshotRequest r, StreamObserver<UpdateSnapshotResponse> o) {
    unary(
        "update " + r.getInfo().getName(),
        o,
        () -> {
          SnapshotInfo updated =
              snapshotter.update(
                  ProtoConversions.fromProto(r.getInfo()), r.getUpdateMask().getPathsList());
          return UpdateSnapshotResponse.newBuilder()
              .setInfo(ProtoConversions.toProto(updated))
              .build();
        });
  }

  @Override
  public void list(ListSnapshotsRequest r, StreamObserver<ListSnapshotsResponse> o) {
    List<SnapshotInfo> all;
    try {
      all = snapshotter.list(r.getFiltersList());
    } catch (IOException | RuntimeException e) {
      o.onError(StatusMapper.toStatus("list", e));
      return;
    }
    for (int i = 0; i < all.size(); i += LIST_BATCH) {
      ListSnapshotsResponse.Builder batch = ListSnapshotsResponse.newBuilder();
      for (SnapshotInfo info : all.subList(i, Math.min(all.size(), i + LIST_BATCH))) {
        batch.addInfo(ProtoConversions.toProto(info));
      }
      o.onNext(batch.build());
    }
    o.onCompleted();
  }

  @Override
  public void usage(UsageRequest r, StreamObserver<UsageResponse> o) {
    unary(
        "usage " + r.getKey(),
        o,
        () -> {
          Usage u = snapshotter.usage(r.getKey());
          return UsageResponse.newBuilder().setSize(u.size()).setInodes(u.inodes()).build();
        });
  }

  @Override
  public void cleanup(CleanupRequest r, StreamObserver<Empty> o) {
    unary(
        "cleanup",
        o,
        () -> {
          snapshotter.cleanup();
          return Empty.getDefaultInstance();
        });
  }
}
