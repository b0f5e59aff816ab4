package dev.thaw.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/** The jnr-fuse spike: libfuse2 mounts from this JVM, serves in parallel, honours keep_cache. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FuseSessionIT {
  private static final List<String> OPTIONS = List.of("ro", "use_ino", "subtype=thawtest");

  @TempDir Path tmp;

  /** Two files, a.txt and b.txt, each {@code content}; reads may be gated by a latch. */
  static final class TwoFileFs extends NativeFileSystem {
    final byte[] content;
    final AtomicInteger reads = new AtomicInteger();
    final boolean keepCache;
    volatile CountDownLatch readGate;

    TwoFileFs(byte[] content, boolean keepCache) {
      this.content = content;
      this.keepCache = keepCache;
    }

    @Override
    public int getattr(String path, FileStat stat) {
      if (path.equals("/")) {
        stat.st_mode.set(FileStat.S_IFDIR | 0755);
        stat.st_nlink.set(2);
        stat.st_ino.set(1);
        return 0;
      }
      if (path.equals("/a.txt") || path.equals("/b.txt")) {
        stat.st_mode.set(FileStat.S_IFREG | 0644);
        stat.st_nlink.set(1);
        stat.st_size.set(content.length);
        stat.st_ino.set(path.equals("/a.txt") ? 7 : 8);
        return 0;
      }
      return -ErrorCodes.ENOENT();
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
      filler.apply(buf, ".", null, 0);
      filler.apply(buf, "..", null, 0);
      filler.apply(buf, "a.txt", null, 0);
      filler.apply(buf, "b.txt", null, 0);
      return 0;
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
      if (keepCache) {
        FuseFileInfoFlags.setKeepCache(fi);
      }
      return 0;
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
      reads.incrementAndGet();
      CountDownLatch gate = readGate;
      if (gate != null) {
        gate.countDown();
        try {
          if (!gate.await(20, TimeUnit.SECONDS)) {
            return -ErrorCodes.EIO();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return -ErrorCodes.EINTR();
        }
      }
      int n = (int) Math.max(0, Math.min(size, content.length - offset));
      buf.put(0, content, (int) offset, n);
      return n;
    }
  }

  @Test
  void start_simpleFs_servesFilesAndUnmountsOnClose() throws Exception {
    byte[] content = "hello from thaw\n".getBytes(StandardCharsets.UTF_8);
    TwoFileFs fs = new TwoFileFs(content, true);
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    FuseSession session = FuseSession.start(fs, mnt, OPTIONS, Duration.ofSeconds(10));
    try {
      assertTrue(new MountTable().isFuseMounted(mnt));
      assertArrayEquals(content, Files.readAllBytes(mnt.resolve("a.txt")));
      assertEquals(7L, Files.getAttribute(mnt.resolve("a.txt"), "unix:ino"));
    } finally {
      session.close();
    }
    assertFalse(new MountTable().isFuseMounted(mnt));
    assertFalse(session.isRunning());
    session.close(); // idempotent
  }

  @Test
  void read_twoConcurrentReaders_servedInParallel() throws Exception {
    TwoFileFs fs = new TwoFileFs(new byte[4096], false);
    fs.readGate = new CountDownLatch(2);
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (FuseSession session = FuseSession.start(fs, mnt, OPTIONS, Duration.ofSeconds(10))) {
      assertTrue(session.isRunning());
      // Each read blocks until both are inside the file system: only a multithreaded loop passes.
      Future<byte[]> a = pool.submit(() -> Files.readAllBytes(mnt.resolve("a.txt")));
      Future<byte[]> b = pool.submit(() -> Files.readAllBytes(mnt.resolve("b.txt")));
      assertEquals(4096, a.get(30, TimeUnit.SECONDS).length);
      assertEquals(4096, b.get(30, TimeUnit.SECONDS).length);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void open_keepCacheSet_secondOpenServedFromPageCache() throws Exception {
    TwoFileFs fs = new TwoFileFs(new byte[8192], true);
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    try (FuseSession session = FuseSession.start(fs, mnt, OPTIONS, Duration.ofSeconds(10))) {
      assertTrue(session.isRunning());
      Files.readAllBytes(mnt.resolve("a.txt"));
      int afterFirst = fs.reads.get();
      Files.readAllBytes(mnt.resolve("a.txt"));
      assertTrue(afterFirst > 0);
      assertEquals(afterFirst, fs.reads.get(), "second open must not reach the file system");
    }
  }

  @Test
  void open_keepCacheNotSet_secondOpenReadsAgain() throws Exception {
    TwoFileFs fs = new TwoFileFs(new byte[8192], false);
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    try (FuseSession session = FuseSession.start(fs, mnt, OPTIONS, Duration.ofSeconds(10))) {
      assertTrue(session.isRunning());
      Files.readAllBytes(mnt.resolve("a.txt"));
      int afterFirst = fs.reads.get();
      Files.readAllBytes(mnt.resolve("a.txt"));
      assertTrue(fs.reads.get() > afterFirst, "without keep_cache the kernel drops the cache");
    }
  }
}
