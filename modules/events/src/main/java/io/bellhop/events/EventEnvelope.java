package io.bellhop.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One event, as publishers send it and clients receive it.
 *
 * @param eventId the publisher's idempotency key; a second event with the same id within the
 *     de-duplication window is absorbed
 * @param service the domain service the event belongs to
 * @param type e.g. {@code revenue.created}
 * @param orgId the tenant; only clients of this org ever receive the event
 * @param propertyId the property the event concerns, {@code null} for org-wide events
 * @param occurredAt ISO-8601 instant at which it happened, as the publisher stated it
 * @param payload the event body as raw JSON text (an object), passed through untouched
 * @param seq the log position Bellhop assigned, {@code 0} before the event is appended
 */
public record EventEnvelope(
    String eventId,
    Service service,
    String type,
    String orgId,
    String propertyId,
    String occurredAt,
    String payload,
    long seq) {

  public EventEnvelope {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(payload, "payload");
  }

  /** A new event with a random {@code eventId}, occurring now. */
  public static EventEnvelope of(
      Service service, String type, String orgId, String propertyId, String payloadJson) {
    return new EventEnvelope(
        UUID.randomUUID().toString(),
        service,
        type,
        orgId,
        propertyId,
        Instant.now().toString(),
        payloadJson,
        0);
  }

  /** The same event at log position {@code seq}. */
  public EventEnvelope withSeq(long seq) {
    return new EventEnvelope(eventId, service, type, orgId, propertyId, occurredAt, payload, seq);
  }
}
