package dev.thaw.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import ru.serce.jnrfuse.struct.FuseFileInfo;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FuseFileInfoFlagsTest {
  @Test
  void setKeepCache_zeroedStruct_setsBitOneOfByteTwentyOnly() {
    Pointer memory = Runtime.getSystemRuntime().getMemoryManager().allocateDirect(64, true);
    memory.putLong(24, 0x1234L); // fh
    FuseFileInfo fi = FuseFileInfo.of(memory);
    FuseFileInfoFlags.setKeepCache(fi);
    assertEquals(FuseFileInfoFlags.KEEP_CACHE, memory.getInt(20));
    assertEquals(0, memory.getInt(16));
    assertEquals(0x1234L, memory.getLong(24));
    assertEquals(0x1234L, fi.fh.get());
  }

  @Test
  void setKeepCache_directIoAlreadySet_keepsIt() {
    Pointer memory = Runtime.getSystemRuntime().getMemoryManager().allocateDirect(64, true);
    memory.putInt(20, FuseFileInfoFlags.DIRECT_IO);
    FuseFileInfoFlags.setKeepCache(FuseFileInfo.of(memory));
    assertEquals(
        FuseFileInfoFlags.DIRECT_IO | FuseFileInfoFlags.KEEP_CACHE,
        FuseFileInfoFlags.flagWord(FuseFileInfo.of(memory)));
  }
}
