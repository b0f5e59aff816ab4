package dev.thaw.testimages;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of a test tar, built by the factories in {@link TestLayers}; {@code with*} methods
 * return modified copies.
 *
 * <p>Immutable.
 *
 * @param name the tar name, used verbatim (directories get a trailing {@code /} when written)
 * @param kind the entry type
 * @param size the content size (regular files)
 * @param content opens the content (regular files)
 * @param linkName the link target (symlinks, hardlinks)
 * @param mode permission bits
 * @param uid owner id
 * @param gid group id
 * @param userName owner name
 * @param groupName group name
 * @param devMajor device major
 * @param devMinor device minor
 * @param modTime modification time
 * @param xattrs extended attributes, written as PAX {@code SCHILY.xattr.NAME}
 */
public record TestEntry(
    String name,
    Kind kind,
    long size,
    Content content,
    String linkName,
    int mode,
    long uid,
    long gid,
    String userName,
    String groupName,
    int devMajor,
    int devMinor,
    Instant modTime,
    Map<String, String> xattrs) {

  /** Default modification time of every entry: 2024-01-01T00:00:00Z. */
  public static final Instant DEFAULT_MOD_TIME = Instant.parse("2024-01-01T00:00:00Z");

  /** Entry types. */
  public enum Kind {
    /** A directory. */
    DIR,
    /** A regular file. */
    FILE,
    /** A symbolic link. */
    SYMLINK,
    /** A hard link. */
    HARDLINK,
    /** A character device. */
    CHAR,
    /** A block device. */
    BLOCK,
    /** A FIFO. */
    FIFO
  }

  /** Re-openable content of a regular file. */
  @FunctionalInterface
  public interface Content {
    /** A fresh stream over the whole content. */
    InputStream open() throws IOException;

    /** Content of a byte array (not copied: do not modify it). */
    static Content of(byte[] bytes) {
      return () -> new ByteArrayInputStream(bytes);
    }
  }

  /** Copies the xattrs. */
  public TestEntry {
    xattrs = Collections.unmodifiableMap(new TreeMap<>(xattrs));
  }

  /** With permission bits {@code mode}. */
  public TestEntry withMode(int newMode) {
    return new TestEntry(
        name, kind, size, content, linkName, newMode, uid, gid, userName, groupName, devMajor,
        devMinor, modTime, xattrs);
  }

  /** With owner ids. */
  public TestEntry withOwner(long newUid, long newGid) {
    return new TestEntry(
        name, kind, size, content, linkName, mode, newUid, newGid, userName, groupName, devMajor,
        devMinor, modTime, xattrs);
  }

  /** With owner names. */
  public TestEntry withOwnerNames(String user, String group) {
    return new TestEntry(
        name, kind, size, content, linkName, mode, uid, gid, user, group, devMajor, devMinor,
        modTime, xattrs);
  }

  /** With modification time {@code time}. */
  public TestEntry withModTime(Instant time) {
    return new TestEntry(
        name, kind, size, content, linkName, mode, uid, gid, userName, groupName, devMajor,
        devMinor, time, xattrs);
  }

  /** With one more xattr. */
  public TestEntry withXattr(String key, String value) {
    Map<String, String> x = new TreeMap<>(xattrs);
    x.put(key, value);
    return new TestEntry(
        name, kind, size, content, linkName, mode, uid, gid, userName, groupName, devMajor,
        devMinor, modTime, x);
  }

  /** All content bytes (regular files; small ones only). */
  public byte[] bytes() throws IOException {
    if (content == null) {
      return new byte[0];
    }
    try (InputStream in = content.open()) {
      return in.readAllBytes();
    }
  }
}
