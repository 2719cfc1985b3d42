package io.bellhop.events.stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.bellhop.events.log.EnvelopeCodec;
import java.io.IOException;

/**
 * A client frame after the handshake: {@code {"type":"refresh","token":".."}} is the only one the
 * protocol knows; other types are answered with an {@code UNKNOWN_MESSAGE} error.
 */
record ClientMessage(String type, String token) {

  /** The message, or {@code null} when the frame is not a JSON object. */
  static ClientMessage parse(String text) {
    String type = null;
    String token = null;
    try (JsonParser p = EnvelopeCodec.JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "type" -> type = p.getValueAsString();
          case "token" -> token = p.getValueAsString();
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      return null;
    }
    return new ClientMessage(type, token);
  }
}
