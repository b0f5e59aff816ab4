package dev.thaw.testimages;

import java.io.InputStream;
import java.util.SplittableRandom;

/** Deterministic generated content of a fixed size. Confined to one thread. */
final class GeneratedInputStream extends InputStream {
  private static final String[] WORDS = {
    "the ",
    "layer ",
    "chunk ",
    "snapshot ",
    "lazy ",
    "pull ",
    "container ",
    "image ",
    "registry ",
    "toc ",
    "digest ",
    "gzip ",
    "zstd ",
    "mount ",
    "fuse ",
    "read ",
    "\n",
    "0123456789 ",
    "{\"k\":1} "
  };
  private final SplittableRandom random;
  private final boolean text;
  private long remaining;
  private final byte[] block = new byte[8192];
  private int pos = block.length;

  GeneratedInputStream(long size, long seed, boolean text) {
    this.remaining = size;
    this.random = new SplittableRandom(seed);
    this.text = text;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (remaining == 0) {
      return -1;
    }
    if (pos == block.length) {
      refill();
    }
    int n = (int) Math.min(Math.min(len, block.length - pos), remaining);
    System.arraycopy(block, pos, b, off, n);
    pos += n;
    remaining -= n;
    return n;
  }

  private void refill() {
    if (!text) {
      random.nextBytes(block);
    } else {
      int i = 0;
      while (i < block.length) {
        byte[] w =
            WORDS[random.nextInt(WORDS.length)].getBytes(
                java.nio.charset.StandardCharsets.US_ASCII);
        int n = Math.min(w.length, block.length - i);
        System.arraycopy(w, 0, block, i, n);
        i += n;
      }
    }
    pos = 0;
  }
}
