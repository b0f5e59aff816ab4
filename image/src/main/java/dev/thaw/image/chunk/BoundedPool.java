package dev.thaw.image.chunk;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bounded pool of native-backed objects ({@link java.util.zip.Inflater}s, zstd contexts). {@link
 * #borrow()} never blocks: it creates when none is idle. {@link #release} resets the object and
 * keeps it if fewer than {@code capacity} are idle, else destroys it.
 *
 * <p>Thread-safe.
 *
 * @param <T> the pooled type
 */
public final class BoundedPool<T> {
  private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private final int capacity;
  private final Supplier<T> factory;
  private final Consumer<T> reset;
  private final Consumer<T> destroy;

  /**
   * @param capacity idle objects kept at most
   * @param factory creates an object
   * @param reset prepares a returned object for reuse
   * @param destroy frees an object that is not kept
   */
  public BoundedPool(int capacity, Supplier<T> factory, Consumer<T> reset, Consumer<T> destroy) {
    this.capacity = capacity;
    this.factory = factory;
    this.reset = reset;
    this.destroy = destroy;
  }

  /** An object for exclusive use until {@link #release}d. */
  public T borrow() {
    T t = idle.poll();
    if (t == null) {
      return factory.get();
    }
    idleCount.decrementAndGet();
    return t;
  }

  /** Returns {@code t}; the caller must not use it afterwards. */
  public void release(T t) {
    try {
      reset.accept(t);
    } catch (RuntimeException e) {
      destroy.accept(t);
      throw e;
    }
    if (idleCount.incrementAndGet() <= capacity) {
      idle.add(t);
    } else {
      idleCount.decrementAndGet();
      destroy.accept(t);
    }
  }

  /** Idle objects held now. */
  public int idle() {
    return idleCount.get();
  }
}
