package dev.thaw.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as an {@link InputStream} while it arrives, with a stall timeout: a read
 * that waits longer than {@code stallTimeout} for the next bytes fails with an {@link
 * HttpTimeoutException} and cancels the exchange. (The JDK's own streaming body waits forever on a
 * stalled server.)
 *
 * <p>Flow control: one list of buffers is requested ahead of the reader, so at most two of the
 * client's receive buffers are held per response however slowly the body is consumed.
 *
 * <p>The subscriber side is called by the HTTP client; the stream is for one reading thread. {@link
 * InputStream#close()} may be called from any thread.
 */
final class StreamingBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
  /** Queue items besides buffer lists: the end of the body, or its failure. */
  private record End(Throwable failure) {}

  private final Duration stallTimeout;
  private final String what;
  private final LinkedBlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
  private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
  private Iterator<ByteBuffer> current = List.<ByteBuffer>of().iterator();
  private ByteBuffer buffer = ByteBuffer.allocate(0);
  private End end;
  private volatile boolean closed;

  /**
   * @param stallTimeout the longest wait for the next bytes
   * @param what names the exchange in messages, e.g. "read blob sha256:… bytes 0-4095"
   */
  StreamingBody(Duration stallTimeout, String what) {
    this.stallTimeout = Objects.requireNonNull(stallTimeout);
    this.what = what;
  }

  /** A body handler that streams every response this way. */
  static HttpResponse.BodyHandler<InputStream> handler(Duration stallTimeout, String what) {
    return info -> new StreamingBody(stallTimeout, what);
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return CompletableFuture.completedFuture(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (!subscription.complete(s) || closed) {
      s.cancel();
      return;
    }
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    arrived.add(item);
  }

  @Override
  public void onError(Throwable failure) {
    arrived.add(new End(failure));
  }

  @Override
  public void onComplete() {
    arrived.add(new End(null));
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!next()) {
      return -1;
    }
    int n = Math.min(len, buffer.remaining());
    buffer.get(b, off, n);
    return n;
  }

  @Override
  public int available() {
    return buffer.remaining();
  }

  /** Makes {@link #buffer} non-empty, waiting for the next bytes; false at the end of the body. */
  private boolean next() throws IOException {
    while (!buffer.hasRemaining()) {
      if (closed) {
        throw new IOException(what + ": stream closed");
      }
      if (current.hasNext()) {
        buffer = current.next();
        continue;
      }
      if (end != null) {
        return endOfBody();
      }
      Object item = poll();
      if (item instanceof End e) {
        end = e;
      } else {
        @SuppressWarnings("unchecked")
        List<ByteBuffer> list = (List<ByteBuffer>) item;
        current = list.iterator();
        subscription.join().request(1);
      }
    }
    return true;
  }

  private boolean endOfBody() throws IOException {
    if (end.failure() == null) {
      return false;
    }
    Throwable t = end.failure();
    if (t instanceof IOException io) {
      throw new IOException(what + ": " + io.getMessage(), io);
    }
    throw new IOException(what + ": " + t, t);
  }

  private Object poll() throws IOException {
    Object item;
    try {
      item = arrived.poll(stallTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      InterruptedIOException ie = new InterruptedIOException(what + ": interrupted");
      ie.initCause(e);
      throw ie;
    }
    if (item == null) {
      close();
      throw new HttpTimeoutException(what + ": no bytes for " + stallTimeout);
    }
    return item;
  }

  /** Abandons the rest of the body: the exchange is cancelled unless it already ended. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Flow.Subscription s = subscription.getNow(null);
    if (s != null) {
      s.cancel();
    } else {
      subscription.completeExceptionally(new IOException(what + ": closed before subscribed"));
    }
  }
}
