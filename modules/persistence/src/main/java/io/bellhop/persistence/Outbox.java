package io.bellhop.persistence;

import io.bellhop.events.EventEnvelope;

/**
 * The transactional outbox: a module changes its rows and records the events that announce the
 * change in one PostgreSQL transaction; a relay publishes the committed events to the {@link
 * io.bellhop.events.EventLog} afterwards. Commit both or neither: a rolled-back transaction
 * publishes nothing, and a committed event reaches the log exactly once even if a node dies between
 * commit and publish (see docs/architecture.md, "The transactional outbox").
 *
 * <pre>{@code
 * @Transactional
 * void complete(Upload upload) {
 *   uploads.update(upload.completed());
 *   outbox.add(EventEnvelope.of(Service.GUEST, "document.uploaded", upload.orgId(), null, json));
 * }
 * }</pre>
 *
 * <p>Blocking JDBC: call it on a blocking thread, never on an event loop.
 */
public interface Outbox {

  /**
   * Records {@code event} in the current transaction. Its {@code eventId} is its idempotency key in
   * the log ({@code Nats-Msg-Id}); an event whose id is already in the outbox is ignored. Order:
   * the events of one transaction reach the log in the order added, and after those of any
   * transaction that committed before this one added its first; concurrent transactions are not
   * ordered among themselves.
   *
   * @throws io.bellhop.events.InvalidEventException if the event would be refused by {@link
   *     io.bellhop.events.EventPublisher#publish}; the caller's transaction can then roll back
   * @throws IllegalStateException when called outside a read-write transaction
   */
  void add(EventEnvelope event);
}
