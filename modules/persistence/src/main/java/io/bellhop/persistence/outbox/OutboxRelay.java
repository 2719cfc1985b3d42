package io.bellhop.persistence.outbox;

import io.bellhop.events.Appended;
import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.EventPublisher;
import io.bellhop.events.InvalidEventException;
import io.bellhop.persistence.outbox.OutboxRows.PendingRow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves committed outbox rows to the event log, on one thread of its own (never an event loop).
 *
 * <p>One relay leads per database: the one whose connection holds a PostgreSQL advisory lock; the
 * others stand by and retry every {@code standby-interval}. A single leader publishing in id order
 * keeps each org's events in the order their transactions made them.
 *
 * <p>Each round has two steps: (1) publish a batch of pending rows, in id order, with {@code
 * Nats-Msg-Id} = the row's {@code eventId}; (2) once the log acknowledged them, mark them
 * published. A crash before (1) completes leaves the rows pending: the next leader publishes them.
 * A crash between (1) and (2) also leaves them pending: the next leader publishes them again and
 * the log absorbs the copies as duplicates. Rows whose first attempt is older than half the log's
 * de-duplication window are looked up in the log before they are published again.
 *
 * <p>The leader sleeps until a commit notifies it ({@code LISTEN bellhop_outbox}, sent by a trigger
 * on insert), or {@code poll-interval} passes. While the log or PostgreSQL fails, rows stay pending
 * and the relay retries with exponential backoff.
 */
@Context
@Requires(property = "bellhop.outbox.relay-enabled", notEquals = "false")
final class OutboxRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final long WAIT_SLICE_MILLIS = 200;
  private static final Duration BACKLOG_EVERY = Duration.ofSeconds(5);
  private static final Duration RETENTION_EVERY = Duration.ofMinutes(1);
  private static final int DELETE_CHUNK = 10_000;

  private final RelayConnection connections;
  private final EventPublisher publisher;
  private final EventLog log;
  private final LogLookup lookup;
  private final OutboxConfig config;
  private final OutboxMetrics metrics;
  private final Duration duplicateWindow;
  private final RelayProbe probe;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final Thread thread;

  /** A log seq below every append this relay makes from now on; -1 until read from the log. */
  private long seqFloor = -1;

  private long backlogDueNanos;
  private long retentionDueNanos;

  @Inject
  OutboxRelay(
      DataSource dataSource,
      @Nullable DataSourceResolver resolver,
      EventPublisher publisher,
      EventLog log,
      OutboxConfig config,
      MeterRegistry registry,
      @Value("${bellhop.events.log.duplicate-window:2m}") Duration duplicateWindow) {
    this(
        new RelayConnection(
            (resolver != null ? resolver : DataSourceResolver.DEFAULT).resolve(dataSource)),
        publisher,
        log,
        config,
        new OutboxMetrics(registry),
        duplicateWindow,
        RelayProbe.NONE);
  }

  OutboxRelay(
      RelayConnection connections,
      EventPublisher publisher,
      EventLog log,
      OutboxConfig config,
      OutboxMetrics metrics,
      Duration duplicateWindow,
      RelayProbe probe) {
    this.connections = connections;
    this.publisher = publisher;
    this.log = log;
    this.lookup = new LogLookup(log);
    this.config = config;
    this.metrics = metrics;
    this.duplicateWindow = duplicateWindow;
    this.probe = probe;
    this.thread = new Thread(this::run, "bellhop-outbox-relay");
    this.thread.setDaemon(true);
  }

  @PostConstruct
  void start() {
    thread.start();
  }

  /** Stops the relay; a batch in flight finishes or times out first. */
  @PreDestroy
  @Override
  public void close() {
    stopping.countDown();
    try {
      thread.join(config.getPublishTimeout().plusSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("outbox relay did not stop in time; its rows stay pending for the next leader");
    }
  }

  private boolean stopped() {
    return stopping.getCount() == 0;
  }

  /** Waits, returning early (true) when the relay is stopping. */
  private boolean pause(Duration d) {
    try {
      return stopping.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void run() {
    Backoff backoff = new Backoff(config.getRetryMin(), config.getRetryMax());
    while (!stopped()) {
      try (Connection c = connections.open()) {
        serve(c, backoff);
      } catch (SQLException | RuntimeException e) {
        Duration delay = backoff.next();
        LOG.warn(
            "outbox relay: PostgreSQL failed ({}); reconnecting in {} ms", e, delay.toMillis());
        pause(delay);
      } finally {
        metrics.leading(false);
      }
    }
    LOG.info("outbox relay stopped");
  }

  /** Stands by until this connection leads, then relays until stopped or PostgreSQL fails. */
  private void serve(Connection c, Backoff backoff) throws SQLException {
    boolean announced = false;
    while (!OutboxRows.tryLead(c)) {
      if (!announced) {
        LOG.info("outbox relay: standing by, another node leads");
        announced = true;
      }
      if (pause(config.getStandbyInterval())) {
        return;
      }
    }
    LOG.info("outbox relay: leading");
    metrics.leading(true);
    OutboxRows.listen(c);
    seqFloor = -1;
    backlogDueNanos = System.nanoTime();
    retentionDueNanos = System.nanoTime();
    while (!stopped()) {
      housekeeping(c);
      int handled;
      try {
        handled = relayBatch(c);
        backoff.reset();
      } catch (PublishFailed e) {
        metrics.failed();
        Duration delay = backoff.next();
        LOG.warn(
            "outbox relay: the event log did not take a batch ({}); rows stay pending, retrying in"
                + " {} ms",
            e.getMessage(),
            delay.toMillis());
        pause(delay);
        continue;
      }
      if (handled < config.getBatchSize()) {
        awaitWork(c);
      }
    }
  }

  /** One round: claim, publish, mark. Returns the number of rows it took. */
  private int relayBatch(Connection c) throws SQLException, PublishFailed {
    if (seqFloor < 0 && !OutboxRows.anyPending(c)) {
      return 0; // no need to reach the log (which may be down) for nothing
    }
    long floor = seqFloor();
    List<PendingRow> rows =
        OutboxRows.claim(c, config.getBatchSize(), floor, duplicateWindow.dividedBy(2));
    if (rows.isEmpty()) {
      return 0;
    }
    List<PendingRow> toPublish = withoutThoseInTheLog(c, rows);
    List<PendingRow> valid = new ArrayList<>(toPublish.size());
    for (PendingRow row : toPublish) {
      if (row.envelope().isEmpty()) {
        reject(c, row, "unknown service " + row.service());
      } else {
        valid.add(row);
      }
    }
    List<Long> ids = valid.stream().map(PendingRow::id).toList();
    probe.beforePublish(ids);
    List<Appended> acks;
    try {
      acks = publish(valid);
    } catch (InvalidEventException e) {
      rejectInvalid(c, valid);
      return rows.size();
    }
    probe.afterPublish(ids);
    var seqById = new LinkedHashMap<Long, Long>();
    for (int i = 0; i < valid.size(); i++) {
      seqById.put(valid.get(i).id(), acks.get(i).seq());
      seqFloor = Math.max(seqFloor, acks.get(i).seq());
    }
    OutboxRows.markPublished(c, seqById);
    metrics.published(seqById.size());
    LOG.debug("outbox relay: published {} row(s) up to id {}", rows.size(), ids);
    return rows.size();
  }

  private long seqFloor() throws PublishFailed {
    if (seqFloor < 0) {
      try {
        seqFloor = log.position().lastSeq();
      } catch (RuntimeException e) {
        throw new PublishFailed("cannot read the log's position: " + e.getMessage(), e);
      }
    }
    return seqFloor;
  }

  /**
   * Marks the rows that are already in the log; returns the others. Only rows attempted long ago
   * are looked up: for the rest the log's de-duplication suffices.
   */
  private List<PendingRow> withoutThoseInTheLog(Connection c, List<PendingRow> rows)
      throws SQLException, PublishFailed {
    List<PendingRow> old = rows.stream().filter(PendingRow::attemptedLongAgo).toList();
    if (old.isEmpty()) {
      return rows;
    }
    Map<Long, Long> found;
    try {
      found = lookup.find(old);
    } catch (RuntimeException e) {
      throw new PublishFailed("cannot read the log: " + e.getMessage(), e);
    }
    LOG.info(
        "outbox relay: {} row(s) were first tried more than {} s ago; {} of them already in the"
            + " log",
        old.size(),
        duplicateWindow.dividedBy(2).toSeconds(),
        found.size());
    OutboxRows.markPublished(c, found);
    metrics.foundInLog(found.size());
    return rows.stream().filter(r -> !found.containsKey(r.id())).toList();
  }

  private List<Appended> publish(List<PendingRow> rows) throws PublishFailed {
    if (rows.isEmpty()) {
      return List.of();
    }
    List<EventEnvelope> events = rows.stream().map(r -> r.envelope().orElseThrow()).toList();
    try {
      return publisher
          .publish(events)
          .get(config.getPublishTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new PublishFailed(String.valueOf(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      throw new PublishFailed("no acknowledgement within " + config.getPublishTimeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishFailed("interrupted", e);
    } catch (InvalidEventException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PublishFailed(e.toString(), e);
    }
  }

  /** A batch was refused as invalid: reject the rows that fail on their own, retry the others. */
  private void rejectInvalid(Connection c, List<PendingRow> rows) throws SQLException {
    for (PendingRow row : rows) {
      try {
        publisher.validate(List.of(row.envelope().orElseThrow()));
      } catch (InvalidEventException e) {
        reject(c, row, e.getMessage());
      }
    }
  }

  private void reject(Connection c, PendingRow row, String reason) throws SQLException {
    LOG.error(
        "outbox relay: row {} (event {}) can never be published, marking it rejected: {}",
        row.id(),
        row.eventId(),
        reason);
    OutboxRows.markRejected(c, row.id(), reason);
    metrics.rejected();
  }

  /** Refreshes the backlog gauges and deletes old published rows, each at its own pace. */
  private void housekeeping(Connection c) throws SQLException {
    long now = System.nanoTime();
    if (now - backlogDueNanos >= 0) {
      metrics.backlog(OutboxRows.backlog(c));
      backlogDueNanos = now + BACKLOG_EVERY.toNanos();
    }
    if (now - retentionDueNanos >= 0) {
      int deleted = OutboxRows.deletePublishedBefore(c, config.getRetention(), DELETE_CHUNK);
      if (deleted > 0) {
        LOG.info("outbox relay: deleted {} published row(s) past retention", deleted);
      }
      retentionDueNanos =
          deleted == DELETE_CHUNK ? now : now + RETENTION_EVERY.toNanos(); // more to delete
    }
  }

  /** Sleeps until a commit notifies the relay, {@code poll-interval} passes, or it stops. */
  private void awaitWork(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    long deadline = System.nanoTime() + config.getPollInterval().toNanos();
    while (!stopped()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return;
      }
      PGNotification[] notes = pg.getNotifications((int) Math.min(left, WAIT_SLICE_MILLIS));
      if (notes != null && notes.length > 0) {
        return;
      }
    }
  }

  /** The log did not take a batch; the rows stay pending. */
  static final class PublishFailed extends Exception {
    private static final long serialVersionUID = 1L;

    PublishFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Exponential pauses between retries, reset by a success. */
  static final class Backoff {
    private final Duration min;
    private final Duration max;
    private Duration next;

    Backoff(Duration min, Duration max) {
      this.min = min;
      this.max = max;
      this.next = min;
    }

    Duration next() {
      Duration now = next;
      next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
      return now;
    }

    void reset() {
      next = min;
    }
  }
}
