package dev.thaw.snapshotter.fetch;

import dev.thaw.image.blob.BlobSource;
import dev.thaw.image.oci.Digest;
import dev.thaw.image.toc.TocChunk;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A layer-shaped blob for unit tests of the fetch path: one file cut into chunks, each chunk its
 * own gzip member, as eStargz lays them out; plus a gzip {@link ChunkCodec} and a blob source that
 * counts reads and injects faults.
 */
final class GzipTestLayer {
  final byte[] file;
  final byte[] blob;
  final List<TocChunk> chunks = new ArrayList<>();

  GzipTestLayer(int seed, int fileSize, int chunkSize) throws IOException {
    file = new byte[fileSize];
    Random r = new Random(seed);
    // Half random, half compressible, so members have different sizes.
    for (int i = 0; i < fileSize; i++) {
      file[i] = (i / 1000) % 2 == 0 ? (byte) r.nextInt() : (byte) (i % 7);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[100]); // stand-in for the tar header member
    for (int off = 0; off < fileSize; off += chunkSize) {
      int len = Math.min(chunkSize, fileSize - off);
      byte[] member = gzip(Arrays.copyOfRange(file, off, off + len));
      long start = out.size();
      out.write(member);
      chunks.add(
          new TocChunk(Digest.sha256(file, off, len), off, len, start, start + member.length, 0));
    }
    out.write(new byte[51]); // stand-in for TOC and footer
    blob = out.toByteArray();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(b)) {
      g.write(data);
    }
    return b.toByteArray();
  }

  static final ChunkCodec CODEC =
      new ChunkCodec() {
        @Override
        public byte[] decompress(byte[] member, int length, TocChunk chunk) throws IOException {
          try (GZIPInputStream in =
              new GZIPInputStream(new ByteArrayInputStream(member, 0, length))) {
            byte[] all = in.readAllBytes();
            return Arrays.copyOfRange(
                all, (int) chunk.innerOffset(), (int) (chunk.innerOffset() + chunk.size()));
          }
        }

        @Override
        public void verify(byte[] bytes, TocChunk chunk) throws IOException {
          Digest got = Digest.sha256(bytes);
          if (!got.equals(chunk.chunkDigest())) {
            throw new IOException("verify " + chunk + ": got " + got);
          }
        }
      };

  /** A blob source over a byte array that counts reads and can fail or corrupt them. */
  static final class FaultyBlob implements BlobSource {
    private final byte[] bytes;
    final java.util.concurrent.atomic.AtomicInteger reads =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger failuresLeft =
        new java.util.concurrent.atomic.AtomicInteger();
    volatile boolean down;

    /** While positive, a read throws an Error (as an allocation that runs out of heap would). */
    final java.util.concurrent.atomic.AtomicInteger errorsLeft =
        new java.util.concurrent.atomic.AtomicInteger();

    volatile long delayMillis;
    final java.util.concurrent.atomic.AtomicInteger streamFailuresLeft =
        new java.util.concurrent.atomic.AtomicInteger();
    volatile long streamFailAfter;
    final List<long[]> ranges = java.util.Collections.synchronizedList(new ArrayList<>());

    FaultyBlob(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
      reads.incrementAndGet();
      ranges.add(new long[] {offset, length});
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException();
        }
      }
      if (errorsLeft.getAndDecrement() > 0) {
        throw new OutOfMemoryError("injected: read blob bytes " + offset + "+" + length);
      }
      if (down || failuresLeft.getAndDecrement() > 0) {
        throw new IOException("read blob bytes " + offset + "+" + length + ": connection refused");
      }
      if (offset + length > bytes.length) {
        throw new EOFException("past end");
      }
      return Arrays.copyOfRange(bytes, (int) offset, (int) offset + length);
    }

    /**
     * Reads the range through {@link #read} (counted, delayed, failing as configured); while {@code
     * streamFailuresLeft} is positive, the stream then fails after {@code streamFailAfter} bytes.
     */
    @Override
    public java.io.InputStream openRange(long offset, long length) throws IOException {
      byte[] range = read(offset, Math.toIntExact(length));
      if (streamFailuresLeft.getAndDecrement() <= 0) {
        return new java.io.ByteArrayInputStream(range);
      }
      long failAt = streamFailAfter;
      return new java.io.InputStream() {
        private int pos;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (pos >= failAt) {
            throw new IOException("connection reset at blob byte " + (offset + pos));
          }
          if (pos == range.length) {
            return -1;
          }
          int n = (int) Math.min(Math.min(len, range.length - pos), failAt - pos);
          System.arraycopy(range, pos, b, off, n);
          pos += n;
          return n;
        }
      };
    }

    @Override
    public String describe() {
      return "test blob";
    }
  }
}
