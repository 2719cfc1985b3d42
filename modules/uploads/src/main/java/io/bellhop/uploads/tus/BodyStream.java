package io.bellhop.uploads.tus;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A request body as a blocking InputStream that reads ahead up to {@code prefetchBytes}.
 * Micronaut's own {@code ByteBody.toInputStream()} asks Netty for the next buffer only once the
 * reader wants it, so every buffer costs a hand-over between the event loop and the reading thread
 * while the socket is not read: half the throughput measured here. This one keeps one buffer
 * requested while fewer than {@code prefetchBytes} wait, so Netty reads on while the reader stores
 * the previous batch, and stops reading (TCP pushes back on the client) when the reader falls
 * behind.
 */
final class BodyStream extends InputStream implements Subscriber<byte[]> {
  private final int prefetchBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private int headRead;
  private long waitingBytes;
  private Subscription subscription;
  private boolean requested;
  private boolean done;
  private Throwable failure;

  BodyStream(int prefetchBytes) {
    this.prefetchBytes = prefetchBytes;
  }

  @Override
  public void onSubscribe(Subscription s) {
    lock.lock();
    try {
      subscription = s;
    } finally {
      lock.unlock();
    }
    requestIfRoom();
  }

  @Override
  public void onNext(byte[] chunk) {
    lock.lock();
    try {
      requested = false;
      if (chunk.length > 0) {
        chunks.addLast(chunk);
        waitingBytes += chunk.length;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    requestIfRoom();
  }

  @Override
  public void onError(Throwable t) {
    end(t);
  }

  @Override
  public void onComplete() {
    end(null);
  }

  private void end(Throwable t) {
    lock.lock();
    try {
      done = true;
      failure = t;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int n;
    lock.lock();
    try {
      while (chunks.isEmpty() && !done) {
        changed.await();
      }
      if (chunks.isEmpty()) {
        if (failure != null) {
          throw new IOException("the request body broke off", failure);
        }
        return -1;
      }
      byte[] head = chunks.peekFirst();
      n = Math.min(length, head.length - headRead);
      System.arraycopy(head, headRead, into, offset, n);
      headRead += n;
      waitingBytes -= n;
      if (headRead == head.length) {
        chunks.removeFirst();
        headRead = 0;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the request body", e);
    } finally {
      lock.unlock();
    }
    requestIfRoom();
    return n;
  }

  /** Requests the next buffer unless one is on its way or enough wait; outside the lock. */
  private void requestIfRoom() {
    Subscription s;
    lock.lock();
    try {
      if (requested || done || subscription == null || waitingBytes >= prefetchBytes) {
        return;
      }
      requested = true;
      s = subscription;
    } finally {
      lock.unlock();
    }
    s.request(1);
  }

  @Override
  public void close() {
    Subscription s;
    lock.lock();
    try {
      s = done ? null : subscription;
      done = true;
      chunks.clear();
    } finally {
      lock.unlock();
    }
    if (s != null) {
      s.cancel();
    }
  }
}
