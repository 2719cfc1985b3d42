package io.bellhop.collaboration.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bellhop.collaboration.ChatError;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Ids;
import java.io.IOException;

/**
 * One client frame after the handshake, read strictly: a known field of the wrong JSON type is
 * refused ({@code BAD_REQUEST}), never coerced; {@code null} counts as absent.
 */
record ClientFrame(JsonNode fields, String type, String roomId) {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static ClientFrame parse(String text) {
    ClientFrame f = parseObject(text);
    if (f.type == null) {
      throw bad("a frame needs a string \"type\"", null);
    }
    return f;
  }

  /** Any JSON object, with or without {@code type} (the handshake has none). */
  static ClientFrame parseObject(String text) {
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (IOException e) {
      throw bad("a frame must be one JSON object", null);
    }
    if (n == null || !n.isObject()) {
      throw bad("a frame must be one JSON object", null);
    }
    JsonNode type = n.get("type");
    if (type != null && !type.isNull() && !type.isTextual()) {
      throw bad("\"type\" must be a string", null);
    }
    JsonNode room = n.get("roomId");
    String roomId = null;
    if (room != null && !room.isNull()) {
      if (!room.isTextual()) {
        throw bad("\"roomId\" must be a string", null);
      }
      roomId = room.asText();
    }
    return new ClientFrame(n, type == null || type.isNull() ? null : type.asText(), roomId);
  }

  String roomIdRequired() {
    if (roomId == null) {
      throw bad("a \"" + type + "\" frame needs \"roomId\"", null);
    }
    return roomId;
  }

  String string(String field) {
    JsonNode v = fields.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw bad("\"" + field + "\" must be a string", roomId);
    }
    return v.asText();
  }

  String requiredString(String field) {
    String v = string(field);
    if (v == null) {
      throw bad("a \"" + type + "\" frame needs \"" + field + "\"", roomId);
    }
    return v;
  }

  /** An id field: absent (null) or in the id grammar. */
  String id(String field) {
    String v = string(field);
    if (v != null && !Ids.isValid(v)) {
      throw bad("\"" + field + "\" must match " + Ids.GRAMMAR, roomId);
    }
    return v;
  }

  /** A non-negative integer field, or null when absent. */
  Long count(String field) {
    JsonNode v = fields.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw bad("\"" + field + "\" must be an integer >= 0", roomId);
    }
    return v.asLong();
  }

  Boolean bool(String field) {
    JsonNode v = fields.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw bad("\"" + field + "\" must be true or false", roomId);
    }
    return v.asBoolean();
  }

  /**
   * Message text: 1 to {@code max} characters (code points), no control characters but newline and
   * tab. Stored and sent as given: clients render it as text, never as markup.
   */
  static String text(String text, int max, String roomId) {
    int length = text.codePointCount(0, text.length());
    if (length == 0 || length > max) {
      throw new ChatException(
          ChatError.MESSAGE_TOO_LONG,
          "a message must have 1 to " + max + " characters, not " + length,
          roomId);
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
        throw bad("a message may not hold control characters (newline and tab are fine)", roomId);
      }
    }
    return text;
  }

  static ChatException bad(String message, String roomId) {
    return new ChatException(ErrorCode.BAD_REQUEST, message, roomId);
  }
}
