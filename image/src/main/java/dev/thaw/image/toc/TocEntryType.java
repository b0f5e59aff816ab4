package dev.thaw.image.toc;

import java.util.Optional;

/** The {@code type} of a TOC entry, with its eStargz JSON spelling. */
public enum TocEntryType {
  /** A directory. */
  DIR("dir"),
  /** A regular file; its first chunk when it has content. */
  REG("reg"),
  /** A symbolic link; {@code linkName} is the target. */
  SYMLINK("symlink"),
  /** A hard link; {@code linkName} is the path of an earlier entry. */
  HARDLINK("hardlink"),
  /** A character device. */
  CHAR("char"),
  /** A block device. */
  BLOCK("block"),
  /** A FIFO. */
  FIFO("fifo"),
  /** A further chunk of the preceding regular file of the same name. */
  CHUNK("chunk");

  private final String jsonName;

  TocEntryType(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The spelling in TOC JSON, e.g. {@code "reg"}. */
  public String jsonName() {
    return jsonName;
  }

  /** The type spelled {@code name} in TOC JSON, if there is one. */
  public static Optional<TocEntryType> fromJsonName(String name) {
    for (TocEntryType t : values()) {
      if (t.jsonName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
