package dev.thaw.snapshotter.snapshots;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per snapshot key, so operations on one key run one at a time while different keys
 * proceed in parallel. Thread-safe. Locks are dropped when nobody holds or waits for them.
 */
final class KeyLocks {

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users;
  }

  private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();

  /** A held lock; closing releases it. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /** Blocks until the lock for {@code key} is held. */
  Held lock(String key) {
    Entry e =
        locks.compute(
            key,
            (k, existing) -> {
              Entry entry = existing == null ? new Entry() : existing;
              entry.users++;
              return entry;
            });
    e.lock.lock();
    return () -> {
      e.lock.unlock();
      locks.compute(key, (k, existing) -> --existing.users == 0 ? null : existing);
    };
  }

  /** Number of keys currently locked or awaited (for tests). */
  int size() {
    return locks.size();
  }
}
