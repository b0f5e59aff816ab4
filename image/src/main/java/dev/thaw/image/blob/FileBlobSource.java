package dev.thaw.image.blob;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A {@link BlobSource} over a local file. Thread-safe (positional reads). */
public final class FileBlobSource implements BlobSource {
  private final Path path;
  private final FileChannel channel;

  /** Opens {@code path} for reading. */
  public FileBlobSource(Path path) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
  }

  @Override
  public long size() throws IOException {
    return channel.size();
  }

  @Override
  public byte[] read(long offset, int length) throws IOException {
    if (offset < 0 || length < 0 || offset + length > channel.size()) {
      throw new EOFException(
          "read "
              + path
              + " bytes "
              + offset
              + "-"
              + (offset + length - 1)
              + ": file has "
              + channel.size()
              + " bytes");
    }
    ByteBuffer dst = ByteBuffer.allocate(length);
    while (dst.hasRemaining()) {
      int n = channel.read(dst, offset + dst.position());
      if (n < 0) {
        throw new EOFException("read " + path + " at " + (offset + dst.position()) + ": early EOF");
      }
    }
    return dst.array();
  }

  @Override
  public String describe() {
    return path.toString();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
