package dev.thaw.image.chunk;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** Writes a file, skipping all-zero 4 KiB blocks so they stay holes. Confined to one thread. */
final class SparseFileOutputStream extends OutputStream {
  private final RandomAccessFile file;
  private final byte[] block = new byte[4096];
  private int fill;
  private long position;

  SparseFileOutputStream(Path path) throws IOException {
    this.file = new RandomAccessFile(path.toFile(), "rw");
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, block.length - fill);
      System.arraycopy(b, off, block, fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == block.length) {
        flushBlock();
      }
    }
  }

  private void flushBlock() throws IOException {
    boolean zero = true;
    for (int i = 0; i < fill && zero; i++) {
      zero = block[i] == 0;
    }
    if (!zero) {
      file.seek(position);
      file.write(block, 0, fill);
    }
    position += fill;
    fill = 0;
  }

  @Override
  public void close() throws IOException {
    flushBlock();
    file.setLength(position);
    file.close();
  }
}
