package dev.thaw.image.chunk;

/** The seekable layer formats Thaw reads and writes. */
public enum LayerFormat {
  /** eStargz: gzip members, TOC as the last tar entry, 51-byte footer. */
  ESTARGZ("application/vnd.oci.image.layer.v1.tar+gzip"),
  /** zstd:chunked: zstd frames, TOC in a skippable frame, footer in a skippable frame. */
  ZSTD_CHUNKED("application/vnd.oci.image.layer.v1.tar+zstd");

  private final String mediaType;

  LayerFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The OCI layer media type. */
  public String mediaType() {
    return mediaType;
  }
}
