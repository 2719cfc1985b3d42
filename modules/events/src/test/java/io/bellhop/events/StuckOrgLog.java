package io.bellhop.events;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * For {@link FallbackCapsIT}: wraps the real event log so that reads of orgs named {@code stuck-…}
 * block until {@link #release()} — a stand-in for one org's fallback clients keeping every thread
 * they can get busy.
 */
@Singleton
@Requires(property = "bellhop.test.stuck-org-log", value = "true")
final class StuckOrgLog implements BeanCreatedEventListener<EventLog> {
  static final String PREFIX = "stuck-";
  private static volatile CountDownLatch gate = new CountDownLatch(0);
  private static final AtomicInteger BLOCKED = new AtomicInteger();

  /** Reads of stuck orgs waiting at the gate right now. */
  static int blocked() {
    return BLOCKED.get();
  }

  /** From now on, reads of stuck orgs wait until {@link #release()}. */
  static void hold() {
    gate = new CountDownLatch(1);
  }

  /** Lets every blocked read go on; later reads of stuck orgs pass straight through. */
  static void release() {
    gate.countDown();
  }

  @Override
  public EventLog onCreated(BeanCreatedEvent<EventLog> event) {
    EventLog real = event.getBean();
    return new EventLog() {
      @Override
      public CompletableFuture<List<Appended>> append(List<EventEnvelope> events) {
        return real.append(events);
      }

      @Override
      public LogPosition position() {
        return real.position();
      }

      @Override
      public Replay replay(String orgId, long afterSeq) {
        if (orgId.startsWith(PREFIX)) {
          BLOCKED.incrementAndGet();
          try {
            gate.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            BLOCKED.decrementAndGet();
          }
        }
        return real.replay(orgId, afterSeq);
      }

      @Override
      public Tail tail(TailSink sink) {
        return real.tail(sink);
      }
    };
  }
}
