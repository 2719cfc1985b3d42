package io.bellhop.uploads.documents;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes this node's OCR dispatcher when there may be work: a job committed here, or a worker freed.
 * Other nodes' jobs are found by polling. Signals coalesce: many wake one wait.
 */
@Singleton
final class JobSignal {
  private final Semaphore pending = new Semaphore(0);

  void wake() {
    if (pending.availablePermits() == 0) {
      pending.release();
    }
  }

  /** Waits for a signal or {@code timeout}, then clears any signal that arrived meanwhile. */
  void await(Duration timeout) throws InterruptedException {
    if (pending.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      pending.drainPermits();
    }
  }
}
