package dev.thaw.image.toc;

import dev.thaw.image.oci.Digest;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One entry of an eStargz / zstd:chunked TOC, field for field as in the JSON. Absent numeric fields
 * are 0, absent strings are {@code ""}, absent digests are {@code null}.
 *
 * <p>Immutable. Build with {@link #builder(String, TocEntryType)} or {@link #toBuilder()}.
 *
 * @param name the path in the tar, as written (normalize with {@link TocPaths#normalize})
 * @param type the entry type
 * @param size the file size (regular files; 0 otherwise)
 * @param modTime the modification time, whole seconds in the JSON
 * @param linkName the target of a symlink or hardlink, else {@code ""}
 * @param mode permission and special bits (no file-type bits)
 * @param uid owner id
 * @param gid group id
 * @param userName owner name, or {@code ""}
 * @param groupName group name, or {@code ""}
 * @param devMajor device major (char/block)
 * @param devMinor device minor (char/block)
 * @param xattrs extended attributes, name to base64 of the raw value
 * @param digest sha256 of the whole file content (non-empty regular files), or {@code null}
 * @param offset compressed offset of the member (gzip) or frame (zstd) holding this entry's payload
 * @param endOffset zstd:chunked only: end of that frame, exclusive; 0 when absent
 * @param chunkOffset offset of this chunk in the file
 * @param chunkSize uncompressed size of this chunk; 0 = to the end of the file
 * @param chunkDigest sha256 of this chunk's uncompressed bytes, or {@code null}
 * @param innerOffset offset of this chunk inside the decompressed member
 */
public record TocEntry(
    String name,
    TocEntryType type,
    long size,
    Instant modTime,
    String linkName,
    long mode,
    long uid,
    long gid,
    String userName,
    String groupName,
    long devMajor,
    long devMinor,
    Map<String, String> xattrs,
    Digest digest,
    long offset,
    long endOffset,
    long chunkOffset,
    long chunkSize,
    Digest chunkDigest,
    long innerOffset) {

  /** Validates: no nulls except the digests, no negative numbers; copies {@code xattrs}. */
  public TocEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(modTime, "modTime");
    Objects.requireNonNull(linkName, "linkName");
    Objects.requireNonNull(userName, "userName");
    Objects.requireNonNull(groupName, "groupName");
    // Most entries have none: one shared empty map instead of two objects per entry.
    xattrs = xattrs.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(xattrs));
    long[] nonNegative = {
      size,
      mode,
      uid,
      gid,
      devMajor,
      devMinor,
      offset,
      endOffset,
      chunkOffset,
      chunkSize,
      innerOffset
    };
    for (long v : nonNegative) {
      if (v < 0) {
        throw new IllegalArgumentException("TOC entry '" + name + "': negative field " + v);
      }
    }
  }

  /** A builder with every other field absent (0, {@code ""}, epoch, {@code null}). */
  public static Builder builder(String name, TocEntryType type) {
    return new Builder(name, type);
  }

  /** A builder initialized from this entry. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The raw value of xattr {@code key}, decoded from base64, or {@code null} if absent. */
  public byte[] xattr(String key) {
    String v = xattrs.get(key);
    return v == null ? null : Base64.getDecoder().decode(v);
  }

  /** Mutable builder for {@link TocEntry}; confined to one thread. */
  public static final class Builder {
    private String name;
    private TocEntryType type;
    private long size;
    private Instant modTime = Instant.EPOCH;
    private String linkName = "";
    private long mode;
    private long uid;
    private long gid;
    private String userName = "";
    private String groupName = "";
    private long devMajor;
    private long devMinor;
    private Map<String, String> xattrs = new TreeMap<>();
    private Digest digest;
    private long offset;
    private long endOffset;
    private long chunkOffset;
    private long chunkSize;
    private Digest chunkDigest;
    private long innerOffset;

    private Builder(String name, TocEntryType type) {
      this.name = name;
      this.type = type;
    }

    private Builder(TocEntry e) {
      name = e.name;
      type = e.type;
      size = e.size;
      modTime = e.modTime;
      linkName = e.linkName;
      mode = e.mode;
      uid = e.uid;
      gid = e.gid;
      userName = e.userName;
      groupName = e.groupName;
      devMajor = e.devMajor;
      devMinor = e.devMinor;
      xattrs = new TreeMap<>(e.xattrs);
      digest = e.digest;
      offset = e.offset;
      endOffset = e.endOffset;
      chunkOffset = e.chunkOffset;
      chunkSize = e.chunkSize;
      chunkDigest = e.chunkDigest;
      innerOffset = e.innerOffset;
    }

    /** Sets the name. */
    public Builder name(String v) {
      name = v;
      return this;
    }

    /** Sets the type. */
    public Builder type(TocEntryType v) {
      type = v;
      return this;
    }

    /** Sets the size. */
    public Builder size(long v) {
      size = v;
      return this;
    }

    /** Sets the modification time. */
    public Builder modTime(Instant v) {
      modTime = v;
      return this;
    }

    /** Sets the link target. */
    public Builder linkName(String v) {
      linkName = v;
      return this;
    }

    /** Sets the mode bits. */
    public Builder mode(long v) {
      mode = v;
      return this;
    }

    /** Sets the owner id. */
    public Builder uid(long v) {
      uid = v;
      return this;
    }

    /** Sets the group id. */
    public Builder gid(long v) {
      gid = v;
      return this;
    }

    /** Sets the owner name. */
    public Builder userName(String v) {
      userName = v;
      return this;
    }

    /** Sets the group name. */
    public Builder groupName(String v) {
      groupName = v;
      return this;
    }

    /** Sets the device major. */
    public Builder devMajor(long v) {
      devMajor = v;
      return this;
    }

    /** Sets the device minor. */
    public Builder devMinor(long v) {
      devMinor = v;
      return this;
    }

    /** Replaces the xattrs (name to base64). */
    public Builder xattrs(Map<String, String> v) {
      xattrs = new TreeMap<>(v);
      return this;
    }

    /** Adds one xattr with a raw value. */
    public Builder xattr(String key, byte[] raw) {
      xattrs.put(key, Base64.getEncoder().encodeToString(raw));
      return this;
    }

    /** Sets the whole-file digest. */
    public Builder digest(Digest v) {
      digest = v;
      return this;
    }

    /** Sets the compressed offset. */
    public Builder offset(long v) {
      offset = v;
      return this;
    }

    /** Sets the compressed end offset (zstd:chunked). */
    public Builder endOffset(long v) {
      endOffset = v;
      return this;
    }

    /** Sets the chunk offset. */
    public Builder chunkOffset(long v) {
      chunkOffset = v;
      return this;
    }

    /** Sets the chunk size. */
    public Builder chunkSize(long v) {
      chunkSize = v;
      return this;
    }

    /** Sets the chunk digest. */
    public Builder chunkDigest(Digest v) {
      chunkDigest = v;
      return this;
    }

    /** Sets the inner offset. */
    public Builder innerOffset(long v) {
      innerOffset = v;
      return this;
    }

    /** Builds the validated entry. */
    public TocEntry build() {
      return new TocEntry(
          name,
          type,
          size,
          modTime,
          linkName,
          mode,
          uid,
          gid,
          userName,
          groupName,
          devMajor,
          devMinor,
          xattrs,
          digest,
          offset,
          endOffset,
          chunkOffset,
          chunkSize,
          chunkDigest,
          innerOffset);
    }
  }
}
