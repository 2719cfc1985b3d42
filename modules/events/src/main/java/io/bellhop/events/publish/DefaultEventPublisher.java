package io.bellhop.events.publish;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bellhop.events.Appended;
import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.EventPublisher;
import io.bellhop.events.InvalidEventException;
import io.bellhop.events.Service;
import io.bellhop.events.log.EnvelopeCodec;
import io.bellhop.events.log.EnvelopeCodec.DraftEvent;
import io.bellhop.events.stream.StreamConfig;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Ids;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** Validates events (one rule set for HTTP and in-process publishers) and appends them. */
@Singleton
final class DefaultEventPublisher implements EventPublisher {
  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final Pattern EVENT_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");

  private final EventLog log;
  private final StreamConfig config;

  DefaultEventPublisher(EventLog log, StreamConfig config) {
    this.log = log;
    this.config = config;
  }

  @Override
  public CompletableFuture<List<Appended>> publish(List<EventEnvelope> events) {
    validate(events);
    return log.append(events);
  }

  @Override
  public void validate(List<EventEnvelope> events) {
    for (EventEnvelope e : events) {
      check(e);
    }
  }

  /** Turns a publisher's draft into an envelope, filling in a missing id and time. */
  EventEnvelope complete(DraftEvent d) {
    if (d.service() == null) {
      throw invalid(ErrorCode.INVALID_EVENT, "\"service\" is required");
    }
    Service service =
        Service.parse(d.service())
            .orElseThrow(
                () ->
                    invalid(ErrorCode.UNKNOWN_SERVICE, "unknown service \"" + d.service() + "\""));
    if (d.type() == null) {
      throw invalid(ErrorCode.INVALID_EVENT, "\"type\" is required");
    }
    if (d.orgId() == null) {
      throw invalid(ErrorCode.INVALID_EVENT, "\"orgId\" is required");
    }
    var e =
        new EventEnvelope(
            d.eventId() != null ? d.eventId() : UUID.randomUUID().toString(),
            service,
            d.type(),
            d.orgId(),
            d.propertyId(),
            d.occurredAt() != null ? d.occurredAt() : Instant.now().toString(),
            d.payload() != null ? d.payload() : "{}",
            0);
    check(e);
    return e;
  }

  private void check(EventEnvelope e) {
    // orgId becomes a NATS subject token, propertyId a filter key: one grammar for both.
    if (!Ids.isValid(e.orgId())) {
      throw invalid(ErrorCode.INVALID_EVENT, "\"orgId\" must match " + Ids.GRAMMAR);
    }
    if (!TYPE.matcher(e.type()).matches()) {
      throw invalid(ErrorCode.INVALID_EVENT, "\"type\" must match " + TYPE.pattern());
    }
    if (!EVENT_ID.matcher(e.eventId()).matches()) {
      throw invalid(
          ErrorCode.INVALID_EVENT, "\"eventId\" must be 1-128 printable ASCII characters");
    }
    if (e.propertyId() != null && !Ids.isValid(e.propertyId())) {
      throw invalid(ErrorCode.INVALID_EVENT, "\"propertyId\" must match " + Ids.GRAMMAR);
    }
    try {
      Instant.parse(e.occurredAt());
    } catch (DateTimeParseException ex) {
      throw invalid(ErrorCode.INVALID_EVENT, "\"occurredAt\" must be an ISO-8601 instant");
    }
    String payload = e.payload();
    if (!isJsonObject(payload)) {
      throw invalid(ErrorCode.INVALID_EVENT, "\"payload\" must be a JSON object");
    }
    int size = payload.getBytes(StandardCharsets.UTF_8).length;
    if (size > config.getMaxPayloadBytes()) {
      throw invalid(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "payload is " + size + " bytes; the limit is " + config.getMaxPayloadBytes());
    }
  }

  private static boolean isJsonObject(String text) {
    try (JsonParser p = EnvelopeCodec.JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException ex) {
      return false;
    }
  }

  private static InvalidEventException invalid(ErrorCode code, String message) {
    return new InvalidEventException(code, message);
  }
}
