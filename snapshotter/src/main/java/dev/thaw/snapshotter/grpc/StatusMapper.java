package dev.thaw.snapshotter.grpc;

import dev.thaw.snapshotter.snapshots.InvalidSnapshotArgumentException;
import dev.thaw.snapshotter.snapshots.SnapshotExistsException;
import dev.thaw.snapshotter.snapshots.SnapshotNotFoundException;
import dev.thaw.snapshotter.snapshots.SnapshotPreconditionException;
import dev.thaw.snapshotter.snapshots.SnapshotUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place snapshot failures become gRPC statuses; containerd turns the codes back into its
 * errdefs ({@code NOT_FOUND} → ErrNotFound, …). Thread-safe (stateless).
 */
final class StatusMapper {

  private static final Logger LOG = Logger.getLogger(StatusMapper.class.getName());

  private StatusMapper() {}

  /** Maps {@code failure} of {@code operation}; unexpected failures are logged here, once. */
  static StatusRuntimeException toStatus(String operation, Throwable failure) {
    Status status =
        switch (failure) {
          case SnapshotNotFoundException e -> Status.NOT_FOUND;
          case SnapshotExistsException e -> Status.ALREADY_EXISTS;
          case SnapshotPreconditionException e -> Status.FAILED_PRECONDITION;
          case InvalidSnapshotArgumentException e -> Status.INVALID_ARGUMENT;
          case IllegalArgumentException e -> Status.INVALID_ARGUMENT;
          case SnapshotUnavailableException e -> Status.UNAVAILABLE;
          case StatusRuntimeException e -> e.getStatus();
          default -> {
            LOG.log(Level.WARNING, operation + " failed", failure);
            yield Status.INTERNAL;
          }
        };
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    return status.withDescription(message).asRuntimeException();
  }
}
