package dev.thaw.fuse;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.function.Supplier;
import ru.serce.jnrfuse.ErrorCodes;

/**
 * The one place where failures inside FUSE callbacks become errno values. Nothing escapes a
 * callback: a throwable that reached native code would kill the FUSE worker thread (or the
 * process), so every callback body runs through {@link #call}.
 *
 * <p>Mapping: {@link NoSuchFileException} / {@link FileNotFoundException} → ENOENT, {@link
 * NotDirectoryException} → ENOTDIR, {@link AccessDeniedException} → EACCES, {@link
 * InterruptedIOException} → EINTR, any other {@link IOException} → EIO, anything else (a bug) →
 * EIO. Expected conditions (a missing path) are returned quietly; I/O failures and bugs are logged
 * here, once, with the operation and the path.
 *
 * <p>Thread-safe.
 */
final class ErrnoMapper {
  private static final System.Logger LOG = System.getLogger(ErrnoMapper.class.getName());

  /** A callback body: returns 0 or a positive count on success, or a negated errno. */
  @FunctionalInterface
  interface FuseCall {
    int run() throws Exception;
  }

  private final String mountName;

  ErrnoMapper(String mountName) {
    this.mountName = mountName;
  }

  /** Runs {@code body}; returns its result, or the negated errno of what it threw. */
  int call(String operation, String path, FuseCall body) {
    try {
      return body.run();
    } catch (Throwable t) {
      return -errnoFor(operation, path, t);
    }
  }

  /** The (positive) errno for {@code t}, logging it when it is not an expected condition. */
  int errnoFor(String operation, String path, Throwable t) {
    if (t instanceof NoSuchFileException || t instanceof FileNotFoundException) {
      return ErrorCodes.ENOENT();
    }
    if (t instanceof NotDirectoryException) {
      return ErrorCodes.ENOTDIR();
    }
    if (t instanceof AccessDeniedException) {
      return ErrorCodes.EACCES();
    }
    if (t instanceof InterruptedIOException) {
      log(Level.WARNING, operation, path, t, () -> "interrupted");
      return ErrorCodes.EINTR();
    }
    if (t instanceof IOException) {
      log(Level.WARNING, operation, path, t, () -> "I/O error, returning EIO");
      return ErrorCodes.EIO();
    }
    if (t instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      log(Level.WARNING, operation, path, t, () -> "interrupted");
      return ErrorCodes.EINTR();
    }
    log(Level.ERROR, operation, path, t, () -> "bug in FUSE callback, returning EIO");
    return ErrorCodes.EIO();
  }

  private void log(Level level, String operation, String path, Throwable t, Supplier<String> what) {
    Supplier<String> message =
        () -> "fuse " + operation + " " + mountName + ":" + path + ": " + what.get() + ": " + t;
    if (level == Level.ERROR) {
      LOG.log(level, message, t); // a bug: the stack trace is what finds it
    } else {
      LOG.log(level, message); // an I/O failure: the message names the chunk and the cause
    }
  }
}
