package io.bellhop.events.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bellhop.events.Service;
import io.bellhop.events.log.EnvelopeCodec;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.PropertyIds;
import io.bellhop.realtime.Refusal;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The client's first frame: {@code
 * {"token":..,"services":[..],"version":1,"filters":{"propertyId":..},"lastSeq":..,"epoch":..}}.
 *
 * <p>Parsed strictly, because it carries the credential: a known field of the wrong JSON type, a
 * duplicated field or anything after the object is refused (4400), never skipped or coerced — a
 * lenient reader once stepped into {@code {"epoch":{"token":..}}} and authenticated with it. {@code
 * null} counts as absent; unknown fields are skipped whole, for forward compatibility.
 *
 * @param services requested services; all when the field is absent
 * @param propertyId the requested property narrowing, or {@code null}
 * @param lastSeq the resume cursor, or {@code -1} for live only
 */
record Handshake(
    String token,
    Set<Service> services,
    int version,
    String propertyId,
    long lastSeq,
    String epoch) {

  boolean resumes() {
    return lastSeq >= 0;
  }

  static Handshake parse(String text) {
    String token = null;
    Set<Service> services = EnumSet.allOf(Service.class);
    int version = 1;
    String propertyId = null;
    long lastSeq = -1;
    String epoch = null;
    try (JsonParser p = EnvelopeCodec.JSON.createParser(text)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw bad(ErrorCode.BAD_HANDSHAKE, "handshake must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        boolean absent = p.nextToken() == JsonToken.VALUE_NULL;
        switch (field) {
          case "token" -> token = absent ? null : string(p, "token");
          case "services" -> services = absent ? services : services(p);
          case "version" -> version = absent ? 1 : version(p);
          case "lastSeq" -> lastSeq = absent ? -1 : cursor(p);
          case "epoch" -> epoch = absent ? null : string(p, "epoch");
          case "filters" -> propertyId = absent ? null : filters(p);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw bad(ErrorCode.BAD_HANDSHAKE, "nothing may follow the handshake object");
      }
    } catch (IOException e) {
      throw bad(ErrorCode.BAD_HANDSHAKE, "handshake is not valid JSON");
    }
    return new Handshake(token, services, version, propertyId, lastSeq, epoch);
  }

  private static String string(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw bad(ErrorCode.BAD_HANDSHAKE, "\"" + field + "\" must be a string");
    }
    return p.getText();
  }

  private static int version(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() != JsonParser.NumberType.INT
        || p.getIntValue() != 1) {
      throw bad(ErrorCode.BAD_HANDSHAKE, "unsupported protocol version; \"version\" must be 1");
    }
    return 1;
  }

  private static Set<Service> services(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw bad(ErrorCode.BAD_HANDSHAKE, "\"services\" must be an array of service names");
    }
    Set<Service> out = EnumSet.noneOf(Service.class);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw bad(ErrorCode.BAD_HANDSHAKE, "\"services\" must be an array of service names");
      }
      String name = p.getText();
      out.add(
          Service.parse(name)
              .orElseThrow(
                  () -> bad(ErrorCode.UNKNOWN_SERVICE, "unknown service \"" + name + "\"")));
    }
    if (out.isEmpty()) {
      throw bad(ErrorCode.BAD_HANDSHAKE, "\"services\" is empty; omit it to receive all");
    }
    return out;
  }

  /** A negative cursor is refused, not read as 0: that would silently replay everything. */
  private static long cursor(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT
        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
        && p.getLongValue() >= 0) {
      return p.getLongValue();
    }
    throw bad(ErrorCode.BAD_HANDSHAKE, "\"lastSeq\" must be an integer >= 0");
  }

  private static String filters(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw bad(ErrorCode.BAD_HANDSHAKE, "\"filters\" must be an object");
    }
    String propertyId = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("propertyId") && value != JsonToken.VALUE_NULL) {
        if (value == JsonToken.VALUE_NUMBER_INT) {
          try {
            propertyId = PropertyIds.normalize(p.getNumberValue());
          } catch (IllegalArgumentException e) {
            throw bad(ErrorCode.BAD_HANDSHAKE, "\"filters.propertyId\": " + e.getMessage());
          }
        } else if (value == JsonToken.VALUE_STRING) {
          propertyId = p.getText();
        } else {
          throw bad(
              ErrorCode.BAD_HANDSHAKE, "\"filters.propertyId\" must be a string or an integer");
        }
      } else {
        p.skipChildren();
      }
    }
    return propertyId;
  }

  private static Refusal bad(ErrorCode code, String message) {
    return new Refusal(CloseCode.BAD_HANDSHAKE, code, message);
  }
}
