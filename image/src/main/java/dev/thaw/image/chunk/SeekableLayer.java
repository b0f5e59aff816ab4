package dev.thaw.image.chunk;

import com.github.luben.zstd.ZstdDecompressCtx;
import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.estargz.EstargzTocReader;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.Toc;
import dev.thaw.image.toc.TocChunk;
import dev.thaw.image.toc.TocFormatException;
import dev.thaw.image.toc.TocIndex;
import dev.thaw.image.toc.TocJson;
import dev.thaw.image.zstdchunked.ZstdChunkedTocReader;
import java.io.IOException;
import java.util.Optional;
import java.util.zip.Inflater;

/**
 * An opened seekable layer (eStargz or zstd:chunked): its verified TOC, the index over it, and the
 * means to turn a chunk's compressed member into verified bytes.
 *
 * <p>Immutable and thread-safe. Does not own the {@link BlobSource}.
 */
public final class SeekableLayer {
  /** Bytes read from the end of a blob to find the footer. */
  static final int TAIL = 128;

  private static final BoundedPool<Inflater> INFLATERS =
      new BoundedPool<>(64, () -> new Inflater(true), Inflater::reset, Inflater::end);
  private static final BoundedPool<ZstdDecompressCtx> ZSTD_CONTEXTS =
      new BoundedPool<>(
          64, ZstdDecompressCtx::new, ZstdDecompressCtx::reset, ZstdDecompressCtx::close);

  private final BlobSource blob;
  private final LayerFormat format;
  private final Toc toc;
  private final TocIndex tocIndex;
  private final Digest tocDigest;
  private final long tocOffset;
  private final ChunkDecompressor decompressor;
  private final ChunkVerifier verifier;

  private SeekableLayer(
      BlobSource blob,
      LayerFormat format,
      Toc toc,
      TocIndex tocIndex,
      Digest tocDigest,
      long tocOffset,
      ChunkDecompressor decompressor) {
    this.blob = blob;
    this.format = format;
    this.toc = toc;
    this.tocIndex = tocIndex;
    this.tocDigest = tocDigest;
    this.tocOffset = tocOffset;
    this.decompressor = decompressor;
    this.verifier = new ChunkVerifier(blob.describe());
  }

  /**
   * Detects the format from the footer, reads the TOC, checks its digest against {@code
   * expectedTocDigest} (the layer's TOC-digest annotation) when given, and indexes it. Blocks on
   * two or three blob reads.
   *
   * @throws TocFormatException if the footer or TOC is malformed, unsupported or has another
   *     digest; the message names the layer
   * @throws IOException if the blob cannot be read
   */
  public static SeekableLayer open(BlobSource blob, Optional<Digest> expectedTocDigest)
      throws IOException {
    String layer = blob.describe();
    long size = blob.size();
    int tailLength = (int) Math.min(size, TAIL);
    byte[] tail = blob.read(size - tailLength, tailLength);
    LayerFormat format;
    DecodedToc decoded;
    ChunkDecompressor decompressor;
    if (ZstdChunkedTocReader.matches(tail)) {
      format = LayerFormat.ZSTD_CHUNKED;
      decoded = DecodedToc.zstdChunked(blob, size, tail, expectedTocDigest, layer);
      decompressor = new ZstdChunkDecompressor(ZSTD_CONTEXTS, layer);
    } else {
      format = LayerFormat.ESTARGZ;
      decoded = DecodedToc.estargz(blob, size, tail, expectedTocDigest, layer);
      decompressor = new GzipChunkDecompressor(INFLATERS, layer);
    }
    // The TOC's JSON bytes (20 MB for 59,060 entries) are garbage from here: the index is built
    // without them, so the heap holds one of the two at a time.
    Toc toc = decoded.toc();
    Digest tocDigest = decoded.digest();
    long tocOffset = decoded.offset();
    TocIndex index = TocIndex.of(toc, tocOffset, layer);
    return new SeekableLayer(blob, format, toc, index, tocDigest, tocOffset, decompressor);
  }

  /**
   * Reads, decompresses and verifies one chunk: one blob read of its member. Blocks.
   *
   * @throws ChunkFormatException if the member is corrupt
   * @throws ChunkDigestMismatchException if the bytes do not match the chunk digest
   */
  public byte[] readChunk(TocChunk chunk) throws IOException {
    long end = Math.min(chunk.compressedEnd(), tocOffset);
    long length = end - chunk.compressedOffset();
    if (length <= 0 || length > Integer.MAX_VALUE - 16) {
      throw new ChunkFormatException(
          "read " + chunk + " of layer " + blob.describe() + ": bad member length " + length);
    }
    byte[] member = blob.read(chunk.compressedOffset(), (int) length);
    byte[] data = decompressor.decompress(member, chunk);
    verifier.verify(chunk, data);
    return data;
  }

  /** The format found in the footer. */
  public LayerFormat format() {
    return format;
  }

  /** The TOC. */
  public Toc toc() {
    return toc;
  }

  /** The index over the TOC. */
  public TocIndex tocIndex() {
    return tocIndex;
  }

  /** The sha256 of the uncompressed TOC JSON. */
  public Digest tocDigest() {
    return tocDigest;
  }

  /** The blob offset where the TOC (member or frame) starts; the end of the last chunk member. */
  public long tocOffset() {
    return tocOffset;
  }

  /** Decompresses this layer's chunk members. */
  public ChunkDecompressor decompressor() {
    return decompressor;
  }

  /** Verifies chunk bytes against the TOC. */
  public ChunkVerifier verifier() {
    return verifier;
  }

  /** The blob this layer reads from. */
  public BlobSource blob() {
    return blob;
  }

  /** A verified, decoded TOC, without the JSON bytes it came from. */
  private record DecodedToc(Toc toc, Digest digest, long offset) {
    static DecodedToc zstdChunked(
        BlobSource blob, long size, byte[] tail, Optional<Digest> expected, String layer)
        throws IOException {
      ZstdChunkedTocReader.RawToc raw = ZstdChunkedTocReader.read(blob, size, tail);
      return verify(raw.json(), raw.tocFrameOffset(), expected, layer);
    }

    static DecodedToc estargz(
        BlobSource blob, long size, byte[] tail, Optional<Digest> expected, String layer)
        throws IOException {
      EstargzTocReader.RawToc raw = EstargzTocReader.read(blob, size, tail);
      return verify(raw.json(), raw.tocOffset(), expected, layer);
    }

    private static DecodedToc verify(
        byte[] json, long offset, Optional<Digest> expectedTocDigest, String layer)
        throws TocFormatException {
      Digest tocDigest = Digest.sha256(json);
      if (expectedTocDigest.isPresent() && !expectedTocDigest.get().equals(tocDigest)) {
        throw new TocFormatException(
            "verify TOC of layer "
                + layer
                + ": expected "
                + expectedTocDigest.get()
                + ", got "
                + tocDigest);
      }
      return new DecodedToc(TocJson.decode(json, layer), tocDigest, offset);
    }
  }
}
