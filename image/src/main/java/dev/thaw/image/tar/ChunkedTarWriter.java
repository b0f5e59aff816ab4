package dev.thaw.image.tar;

import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocEntry;
import dev.thaw.image.toc.TocEntryType;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a tar stream as a sequence of independently compressed members: a new member starts at the
 * payload of every non-empty regular file and at every chunk boundary inside it, so each chunk can
 * later be fetched and decompressed alone. Members are compressed on a pool and written in order;
 * at most {@code maxInFlight} segments are held in memory.
 *
 * <p>Tracks the blob digest (compressed bytes), the diffID (uncompressed tar) and the TOC entries
 * with their compressed offsets. The format-specific parts (TOC placement, footer) are left to the
 * caller through {@link #writeTocEntryAndEnd}, {@link #writeTarEnd} and {@link #writeRaw}.
 *
 * <p>Confined to one thread (it uses the pool internally).
 */
public final class ChunkedTarWriter {
  private static final int RECORD = 512;

  private final OutputStream out;
  private final MemberCompressor compressor;
  private final long chunkSize;
  private final ExecutorService pool;
  private final int maxInFlight;
  private final String layer;
  private final Segmenter segmenter = new Segmenter();
  private final TarArchiveOutputStream tar;
  private final ArrayDeque<Future<Member>> inFlight = new ArrayDeque<>();
  private final MessageDigest blobDigest = Digest.newSha256();
  private final List<Pending> pending = new ArrayList<>();
  private long[] segmentStart = new long[64];
  private long[] segmentEnd = new long[64];
  private Digest[] segmentChunkDigest = new Digest[64];
  private int segmentsSubmitted;
  private int segmentsWritten;
  private long position;
  private final byte[] copyBuffer = new byte[64 * 1024];

  /** A TOC entry waiting for the compressed offset of its segment. */
  private record Pending(TocEntry.Builder entry, int segment, boolean singleChunk) {}

  /** A compressed segment and the digest of the chunk it starts with. */
  private record Member(byte[] compressed, Digest chunkDigest) {}

  /**
   * @param out receives the blob; not closed
   * @param compressor compresses one segment into one member
   * @param chunkSize the largest chunk, rounded up to a multiple of 512
   * @param pool runs compressions; owned by the caller
   * @param maxInFlight segments submitted but not yet written, at least 1
   * @param layer names the layer in messages
   */
  public ChunkedTarWriter(
      OutputStream out,
      MemberCompressor compressor,
      long chunkSize,
      ExecutorService pool,
      int maxInFlight,
      String layer) {
    if (chunkSize <= 0 || maxInFlight < 1) {
      throw new IllegalArgumentException("chunk size and in-flight limit must be positive");
    }
    this.out = out;
    this.compressor = compressor;
    this.chunkSize = (chunkSize + RECORD - 1) / RECORD * RECORD;
    this.pool = pool;
    this.maxInFlight = maxInFlight;
    this.layer = layer;
    this.tar = new TarArchiveOutputStream(segmenter, RECORD);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  /**
   * Copies one validated entry; for a regular file {@code content} supplies exactly its size.
   *
   * @throws TarFormatException if the content ends early
   */
  public void copyEntry(TarArchiveEntry entry, InputStream content) throws IOException {
    TocEntry.Builder toc = TocEntries.fromTar(entry);
    tar.putArchiveEntry(entry);
    if (!entry.isFile() || entry.isLink() || entry.getSize() == 0) {
      pending.add(new Pending(toc, -1, false));
      tar.closeArchiveEntry();
      return;
    }
    long size = entry.getSize();
    boolean single = size <= chunkSize;
    MessageDigest fileDigest = single ? null : Digest.newSha256();
    for (long chunkOffset = 0; chunkOffset < size; chunkOffset += chunkSize) {
      long length = Math.min(chunkSize, size - chunkOffset);
      int segment = startSegment((int) length);
      TocEntry.Builder e =
          chunkOffset == 0
              ? toc
              : TocEntry.builder(entry.getName(), TocEntryType.CHUNK).chunkOffset(chunkOffset);
      if (!single) {
        e.chunkSize(length);
      }
      pending.add(new Pending(e, segment, single));
      copy(content, length, fileDigest, entry.getName());
    }
    if (fileDigest != null) {
      toc.digest(Digest.ofSha256(fileDigest.digest()));
    }
    tar.closeArchiveEntry();
  }

  /** Adds a regular file with {@code content} (a landmark), mode 0644, epoch mtime. */
  public void addFile(String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    e.setMode(0100644);
    e.setModTime(0);
    copyEntry(e, new java.io.ByteArrayInputStream(content));
  }

  private void copy(InputStream in, long length, MessageDigest fileDigest, String name)
      throws IOException {
    long left = length;
    while (left > 0) {
      int n = in.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, left));
      if (n < 0) {
        throw new TarFormatException(
            "read tar of layer " + layer + ": entry '" + name + "': content truncated");
      }
      tar.write(copyBuffer, 0, n);
      if (fileDigest != null) {
        fileDigest.update(copyBuffer, 0, n);
      }
      left -= n;
    }
  }

  /**
   * Ends the entry section: waits for every member and returns the TOC entries with compressed
   * offsets, digests and (if {@code withEndOffsets}) each member's end offset.
   */
  public List<TocEntry> finishEntries(boolean withEndOffsets) throws IOException {
    startSegment(0);
    drain(0);
    List<TocEntry> entries = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      if (p.segment >= 0) {
        Digest chunkDigest = segmentChunkDigest[p.segment];
        p.entry.offset(segmentStart[p.segment]).chunkDigest(chunkDigest);
        if (withEndOffsets) {
          p.entry.endOffset(segmentEnd[p.segment]);
        }
        if (p.singleChunk) {
          p.entry.digest(chunkDigest);
        }
      }
      entries.add(p.entry.build());
    }
    pending.clear();
    return entries;
  }

  /**
   * Writes one more tar entry (the TOC, for eStargz) and the end-of-archive records as a single
   * member of their own, and waits for it.
   *
   * @return the compressed offset where that member starts
   */
  public long writeTocEntryAndEnd(TarArchiveEntry header, byte[] content) throws IOException {
    startSegment(0);
    long start = position;
    tar.putArchiveEntry(header);
    tar.write(content);
    tar.closeArchiveEntry();
    tar.finish();
    startSegment(0);
    drain(0);
    return start;
  }

  /** Writes the end-of-archive records as a member of their own and waits for it. */
  public void writeTarEnd() throws IOException {
    startSegment(0);
    tar.finish();
    startSegment(0);
    drain(0);
  }

  /** Appends bytes outside the tar stream (skippable frames, a footer) to the blob. */
  public void writeRaw(byte[] bytes) throws IOException {
    drain(0);
    out.write(bytes);
    blobDigest.update(bytes);
    position += bytes.length;
  }

  /** Compressed bytes written so far (after the last drain). */
  public long position() {
    return position;
  }

  /** The sha256 of every blob byte written. */
  public Digest blobDigest() {
    return Digest.ofSha256(copy(blobDigest).digest());
  }

  /** The sha256 of the uncompressed tar written so far. */
  public Digest diffId() {
    return Digest.ofSha256(copy(segmenter.digest).digest());
  }

  /** Uncompressed tar bytes written so far. */
  public long uncompressedSize() {
    return segmenter.total;
  }

  private static MessageDigest copy(MessageDigest md) {
    try {
      return (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest is not cloneable", e);
    }
  }

  /** Cuts the current segment and starts one whose first {@code chunkLength} bytes are a chunk. */
  private int startSegment(int chunkLength) throws IOException {
    if (segmenter.total % RECORD != 0) {
      throw new IllegalStateException("segment cut inside a tar record at " + segmenter.total);
    }
    if (segmenter.count > 0) {
      submit(segmenter.buf, segmenter.count, segmenter.chunkLength);
    }
    segmenter.reset(chunkLength);
    return segmentsSubmitted;
  }

  private void submit(byte[] data, int length, int chunkLength) throws IOException {
    int index = segmentsSubmitted++;
    if (index >= segmentStart.length) {
      segmentStart = Arrays.copyOf(segmentStart, index * 2);
      segmentEnd = Arrays.copyOf(segmentEnd, index * 2);
      segmentChunkDigest = Arrays.copyOf(segmentChunkDigest, index * 2);
    }
    inFlight.add(
        pool.submit(() ->
            new Member(
                compressor.compress(data, length),
                chunkLength > 0 ? Digest.sha256(data, 0, chunkLength) : null)));
    drain(maxInFlight);
  }

  private void drain(int keep) throws IOException {
    while (inFlight.size() > keep) {
      Member m;
      try {
        m = inFlight.removeFirst().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("compress layer " + layer + ": interrupted");
      } catch (ExecutionException e) {
        throw new IOException("compress layer " + layer + ": " + e.getCause(), e.getCause());
      }
      int index = segmentsWritten++;
      segmentStart[index] = position;
      out.write(m.compressed);
      blobDigest.update(m.compressed);
      position += m.compressed.length;
      segmentEnd[index] = position;
      segmentChunkDigest[index] = m.chunkDigest;
    }
  }

  /** Collects the uncompressed tar bytes of the current segment and digests all of them. */
  private static final class Segmenter extends OutputStream {
    private final MessageDigest digest = Digest.newSha256();
    private byte[] buf = new byte[64 * 1024];
    private int count;
    private int chunkLength;
    private long total;

    void reset(int nextChunkLength) {
      buf = new byte[nextChunkLength + 16 * 1024];
      count = 0;
      chunkLength = nextChunkLength;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (count + len > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
      total += len;
      digest.update(b, off, len);
    }
  }
}
