package dev.thaw.snapshotter.fetch;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Merges identical concurrent fetches: the first caller for a key becomes its leader and must
 * finish it with {@link #complete} or {@link #fail}; later callers get the leader's future until
 * then. The map holds a key only while its fetch is in flight.
 *
 * <p>The leader's future is registered with {@code putIfAbsent} and completed outside any map
 * operation, never inside {@code computeIfAbsent} (which would run dependent callbacks while a map
 * bin is locked).
 *
 * <p>Thread-safe.
 *
 * @param <K> the key, e.g. a chunk digest
 * @param <V> the result
 */
public final class SingleFlight<K, V> {
  /** A caller's view of one flight: the shared future and whether this caller leads it. */
  public record Flight<V>(CompletableFuture<V> future, boolean leader) {}

  private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

  /** Joins the flight for {@code key}, or starts one with the caller as leader. */
  public Flight<V> join(K key) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> existing = inFlight.putIfAbsent(key, mine);
    return existing != null ? new Flight<>(existing, false) : new Flight<>(mine, true);
  }

  /** Starts a flight only if none is in progress for {@code key}; empty if one is. */
  public Optional<CompletableFuture<V>> lead(K key) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    return inFlight.putIfAbsent(key, mine) == null ? Optional.of(mine) : Optional.empty();
  }

  /** The flight in progress for {@code key}, if any. */
  public Optional<CompletableFuture<V>> current(K key) {
    return Optional.ofNullable(inFlight.get(key));
  }

  /** Leader only: ends the flight with a result. */
  public void complete(K key, CompletableFuture<V> flight, V value) {
    inFlight.remove(key, flight);
    flight.complete(value);
  }

  /** Leader only: ends the flight with a failure; the next caller starts a fresh flight. */
  public void fail(K key, CompletableFuture<V> flight, Throwable failure) {
    inFlight.remove(key, flight);
    flight.completeExceptionally(failure);
  }

  /**
   * Leader only: ends several flights with one failure, removing all of them before failing any, so
   * that a caller woken by one failure never joins another flight about to fail the same way.
   */
  public void failAll(java.util.Map<K, CompletableFuture<V>> flights, Throwable failure) {
    flights.forEach(inFlight::remove);
    flights.values().forEach(f -> f.completeExceptionally(failure));
  }

  /** Number of flights in progress. */
  public int size() {
    return inFlight.size();
  }
}
