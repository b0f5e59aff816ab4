package dev.thaw.fuse;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A regular file of a mounted layer that has been opened: its absolute in-image path (the TOC name
 * of the entry holding its bytes, so a hardlink reports its target) and a live count of the bytes
 * read from it through the mount.
 *
 * <p>Thread-safe: {@link #bytesRead()} may be read while FUSE threads keep reading the file.
 */
public final class AccessedFile {
  private final String path;
  private final long size;
  private final LongSupplier bytesRead;

  /**
   * A file as a mount reports it.
   *
   * @param path absolute path inside the image
   * @param size the file's size
   * @param bytesRead the live count of bytes read; thread-safe, cheap
   */
  public AccessedFile(String path, long size, LongSupplier bytesRead) {
    this.path = Objects.requireNonNull(path, "path");
    this.size = size;
    this.bytesRead = Objects.requireNonNull(bytesRead, "bytesRead");
  }

  /** The absolute path inside the image, e.g. {@code /usr/bin/python3}. */
  public String path() {
    return path;
  }

  /** The file's size in bytes. */
  public long size() {
    return size;
  }

  /**
   * Bytes the kernel has read from this file through the mount so far (page-cache hits excluded).
   */
  public long bytesRead() {
    return bytesRead.getAsLong();
  }

  @Override
  public String toString() {
    return path + " (" + bytesRead() + " of " + size + " bytes read)";
  }
}
