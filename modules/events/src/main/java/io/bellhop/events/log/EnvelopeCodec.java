package io.bellhop.events.log;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bellhop.events.EventEnvelope;
import io.bellhop.events.InvalidEventException;
import io.bellhop.events.Service;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.PropertyIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads and writes event envelopes as JSON with jackson-core's streaming API. The payload is kept
 * as raw JSON text end to end: it is never parsed into objects, only checked and copied.
 *
 * <p>Stored form (the body of a NATS message): the envelope without {@code seq}, which the log
 * assigns. Wire form: the same plus {@code seq}.
 */
public final class EnvelopeCodec {
  /** Shared, thread-safe factory. */
  public static final JsonFactory JSON = new JsonFactory();

  private EnvelopeCodec() {}

  /** A publish request body: one envelope object or an array of them, with or without ids. */
  public static List<DraftEvent> readDrafts(byte[] body) {
    try (JsonParser p = JSON.createParser(body)) {
      JsonToken first = p.nextToken();
      var out = new ArrayList<DraftEvent>();
      if (first == JsonToken.START_OBJECT) {
        out.add(readDraft(p, body));
      } else if (first == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          out.add(readDraft(p, body));
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
          throw invalid("an array of event objects is expected");
        }
      } else {
        throw invalid("body must be an event object or an array of event objects");
      }
      if (p.nextToken() != null) {
        throw invalid("trailing content after the events");
      }
      return out;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw invalid("body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid("body is not valid JSON");
    }
  }

  /**
   * Decodes a stored body. {@code orgId} and {@code service} come from the NATS subject, which is
   * authoritative (it is what tenancy is enforced on). A body without {@code eventId} takes the
   * message id it was published with, else one derived from {@code seq}.
   */
  public static EventEnvelope readStored(
      byte[] body,
      String orgId,
      Service service,
      long seq,
      Supplier<String> storedAt,
      String messageId) {
    DraftEvent d = readDrafts(body).get(0);
    String eventId =
        d.eventId() != null ? d.eventId() : messageId != null ? messageId : "seq-" + seq;
    return new EventEnvelope(
        eventId,
        service,
        d.type() != null ? d.type() : "unknown",
        orgId,
        d.propertyId(),
        d.occurredAt() != null ? d.occurredAt() : storedAt.get(),
        d.payload() != null ? d.payload() : "{}",
        seq);
  }

  /** The stored form of an event (no {@code seq}). */
  public static byte[] writeStored(EventEnvelope e) {
    var out = new ByteArrayOutputStream(128 + e.payload().length());
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      writeFields(g, e, false);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  /** Writes the wire form of an event as one JSON object. */
  public static void writeWire(JsonGenerator g, EventEnvelope e) throws IOException {
    writeFields(g, e, true);
  }

  private static void writeFields(JsonGenerator g, EventEnvelope e, boolean withSeq)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("eventId", e.eventId());
    g.writeStringField("service", e.service().wireName());
    g.writeStringField("type", e.type());
    g.writeStringField("orgId", e.orgId());
    if (e.propertyId() != null) {
      g.writeStringField("propertyId", e.propertyId());
    }
    g.writeStringField("occurredAt", e.occurredAt());
    g.writeFieldName("payload");
    g.writeRawValue(e.payload());
    if (withSeq) {
      g.writeNumberField("seq", e.seq());
    }
    g.writeEndObject();
  }

  private static DraftEvent readDraft(JsonParser p, byte[] body) throws IOException {
    String eventId = null;
    String service = null;
    String type = null;
    String orgId = null;
    String propertyId = null;
    String occurredAt = null;
    String payload = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "eventId" -> eventId = text(p, field);
        case "service" -> service = text(p, field);
        case "type" -> type = text(p, field);
        case "orgId" -> orgId = text(p, field);
        case "occurredAt" -> occurredAt = text(p, field);
        case "propertyId" -> propertyId = value == JsonToken.VALUE_NULL ? null : scalar(p, field);
        case "payload" -> payload = raw(p, body);
        default -> p.skipChildren();
      }
    }
    return new DraftEvent(eventId, service, type, orgId, propertyId, occurredAt, payload);
  }

  private static String text(JsonParser p, String field) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw invalid("\"" + field + "\" must be a string");
    }
    return p.getText();
  }

  private static String scalar(JsonParser p, String field) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        try {
          yield PropertyIds.normalize(p.getNumberValueExact());
        } catch (IllegalArgumentException e) {
          throw invalid("\"" + field + "\": " + e.getMessage());
        }
      }
      default -> throw invalid("\"" + field + "\" must be a string or a number");
    };
  }

  private static String raw(JsonParser p, byte[] body) throws IOException {
    long start = p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    long end = p.currentLocation().getByteOffset();
    return new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8);
  }

  private static InvalidEventException invalid(String message) {
    return new InvalidEventException(ErrorCode.INVALID_EVENT, message);
  }

  /**
   * An event as a publisher wrote it, before validation: any field may be missing.
   *
   * @param payload raw JSON text of the payload value
   */
  public record DraftEvent(
      String eventId,
      String service,
      String type,
      String orgId,
      String propertyId,
      String occurredAt,
      String payload) {}
}
