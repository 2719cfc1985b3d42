package io.bellhop.events;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The in-process way to publish: validates events exactly like the HTTP endpoint does and appends
 * them to the {@link EventLog}. Events reach clients exactly as if published over HTTP or straight
 * to NATS. Build events with {@link EventEnvelope#of} to get a fresh {@code eventId}; reuse an id
 * to make a retry idempotent.
 */
public interface EventPublisher {

  /**
   * Publishes events in order; completes with their results once they are durable.
   *
   * @throws InvalidEventException synchronously, before anything is appended, if any event is not
   *     valid
   */
  CompletableFuture<List<Appended>> publish(List<EventEnvelope> events);

  /**
   * Checks events exactly as {@link #publish} would, appending nothing. Lets a caller that
   * publishes later (the outbox) refuse an invalid event while it can still roll back.
   *
   * @throws InvalidEventException if any event is not valid
   */
  void validate(List<EventEnvelope> events);
}
