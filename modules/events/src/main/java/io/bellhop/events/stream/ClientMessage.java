package io.bellhop.events.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bellhop.events.log.EnvelopeCodec;
import java.io.IOException;

/**
 * A client frame after the handshake: {@code {"type":"refresh","token":".."}} is the only one the
 * protocol knows; other types are answered with an {@code UNKNOWN_MESSAGE} error.
 *
 * <p>Read as strictly as the handshake: {@code type} and {@code token} must be strings (or null),
 * no field may repeat and nothing may follow the object; unknown fields are skipped whole.
 */
record ClientMessage(String type, String token) {

  /** The message, or {@code null} when the frame is not a JSON object of that shape. */
  static ClientMessage parse(String text) {
    String type = null;
    String token = null;
    try (JsonParser p = EnvelopeCodec.JSON.createParser(text)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        boolean known = field.equals("type") || field.equals("token");
        if (known && value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
          return null;
        }
        switch (field) {
          case "type" -> type = p.getValueAsString();
          case "token" -> token = p.getValueAsString();
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        return null;
      }
    } catch (IOException e) {
      return null;
    }
    return new ClientMessage(type, token);
  }
}
