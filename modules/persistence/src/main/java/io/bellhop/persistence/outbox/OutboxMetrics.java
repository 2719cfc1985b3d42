package io.bellhop.persistence.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an operator needs to see a stuck relay: whether this node leads, how many rows wait and for
 * how long (read by the leader every few seconds), and what it published, failed or gave up on.
 */
final class OutboxMetrics {
  private final AtomicLong leader = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong oldestMillis = new AtomicLong();
  private final Counter published;
  private final Counter failures;
  private final Counter rejected;
  private final Counter foundInLog;

  OutboxMetrics(MeterRegistry registry) {
    Gauge.builder("bellhop.outbox.leader", leader, AtomicLong::get)
        .description("1 while this node's relay leads (publishes), else 0")
        .register(registry);
    Gauge.builder("bellhop.outbox.pending", pending, AtomicLong::get)
        .description("outbox rows not yet published (seen by the leader; capped at 1,000,000)")
        .register(registry);
    Gauge.builder("bellhop.outbox.oldest.pending.seconds", oldestMillis, a -> a.get() / 1000.0)
        .description("age of the oldest unpublished outbox row (seen by the leader): relay lag")
        .register(registry);
    published =
        Counter.builder("bellhop.outbox.published")
            .description("outbox rows published to the event log and marked")
            .register(registry);
    failures =
        Counter.builder("bellhop.outbox.publish.failures")
            .description("batches the log did not acknowledge in time; retried with backoff")
            .register(registry);
    rejected =
        Counter.builder("bellhop.outbox.rejected")
            .description("outbox rows the log refuses as invalid; marked and never published")
            .register(registry);
    foundInLog =
        Counter.builder("bellhop.outbox.found.in.log")
            .description("rows found already appended when retried after the de-duplication window")
            .register(registry);
  }

  void leading(boolean leads) {
    leader.set(leads ? 1 : 0);
    if (!leads) {
      pending.set(0);
      oldestMillis.set(0);
    }
  }

  void backlog(OutboxRows.Backlog backlog) {
    pending.set(backlog.pending());
    oldestMillis.set(Math.round(backlog.oldestSeconds() * 1000));
  }

  void published(int rows) {
    published.increment(rows);
  }

  void failed() {
    failures.increment();
  }

  void rejected() {
    rejected.increment();
  }

  void foundInLog(int rows) {
    foundInLog.increment(rows);
  }
}
