package io.bellhop.events.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bellhop.events.Service;
import io.bellhop.events.log.EnvelopeCodec;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.PropertyIds;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The client's first frame: {@code
 * {"token":..,"services":[..],"version":1,"filters":{"propertyId":..},"lastSeq":..,"epoch":..}}.
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
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw bad(ErrorCode.BAD_HANDSHAKE, "handshake must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "token" -> token = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
          case "services" -> services = value == JsonToken.VALUE_NULL ? services : services(p);
          case "version" -> version = p.getValueAsInt(1);
          case "lastSeq" -> lastSeq = value == JsonToken.VALUE_NULL ? -1 : cursor(p);
          case "epoch" -> epoch = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
          case "filters" -> propertyId = filters(p);
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw bad(ErrorCode.BAD_HANDSHAKE, "handshake is not valid JSON");
    }
    if (version != 1) {
      throw bad(ErrorCode.BAD_HANDSHAKE, "unsupported protocol version " + version);
    }
    return new Handshake(token, services, version, propertyId, lastSeq, epoch);
  }

  private static Set<Service> services(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw bad(ErrorCode.BAD_HANDSHAKE, "\"services\" must be an array of service names");
    }
    Set<Service> out = EnumSet.noneOf(Service.class);
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String name = p.getValueAsString();
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

  private static long cursor(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      return Math.max(0, p.getLongValue());
    }
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      try {
        return Math.max(0, Long.parseLong(p.getText()));
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw bad(ErrorCode.BAD_HANDSHAKE, "\"lastSeq\" must be an integer");
  }

  private static String filters(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw bad(ErrorCode.BAD_HANDSHAKE, "\"filters\" must be an object");
    }
    String propertyId = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("propertyId") && value != JsonToken.VALUE_NULL) {
        if (!value.isScalarValue()) {
          throw bad(ErrorCode.BAD_HANDSHAKE, "\"filters.propertyId\" must be a string or number");
        }
        propertyId =
            value.isNumeric() ? PropertyIds.normalize(p.getNumberValue()) : p.getValueAsString();
      } else {
        p.skipChildren();
      }
    }
    return propertyId;
  }

  private static StreamRefusal bad(ErrorCode code, String message) {
    return new StreamRefusal(CloseCode.BAD_HANDSHAKE, code, message);
  }
}
