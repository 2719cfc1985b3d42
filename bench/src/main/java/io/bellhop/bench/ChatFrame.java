package io.bellhop.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One received chat frame, parsed in one streaming pass (no object tree) from either dialect:
 * Bellhop's {@code {"type":"chat",…}} objects (docs/collaboration.md) or the Socket.IO peer's
 * {@code ["chat",{…}]} event arrays. Only what the benchmark reads is kept: messages (a live {@code
 * chat} frame is normalised to a one-message list, like a {@code history} page), the users of a
 * {@code presence} frame, the room cursors of {@code ready}, and the fields of {@code sent} and
 * {@code error}. A message nested under {@code "message"} is read the same as a flat one.
 */
final class ChatFrame {
  record Message(String roomId, long seq, String text) {}

  record User(String id, String status) {}

  record Room(String roomId, long lastSeq) {}

  String type;
  String roomId;
  long seq;
  String text;
  String clientMsgId;
  String code;
  String message;
  long retryAfterMs;
  boolean caughtUp;
  boolean full;
  final List<Message> messages = new ArrayList<>();
  final List<User> users = new ArrayList<>();
  final List<Room> rooms = new ArrayList<>();

  private void reset() {
    type = null;
    roomId = null;
    seq = -1;
    text = null;
    clientMsgId = null;
    code = null;
    message = null;
    retryAfterMs = -1;
    caughtUp = false;
    full = false;
    messages.clear();
    users.clear();
    rooms.clear();
  }

  /** Parses {@code len} bytes at {@code off}: a JSON object, or a Socket.IO event array. */
  void parse(byte[] bytes, int off, int len) throws IOException {
    reset();
    try (JsonParser p = Json.FACTORY.createParser(bytes, off, len)) {
      JsonToken tok = p.nextToken();
      if (tok == JsonToken.START_ARRAY) {
        if (p.nextToken() == JsonToken.VALUE_STRING) {
          type = p.getText();
        }
        if (p.nextToken() == JsonToken.START_OBJECT) {
          readTop(p);
        }
      } else if (tok == JsonToken.START_OBJECT) {
        readTop(p);
      }
    }
    if ("chat".equals(type) && messages.isEmpty() && seq >= 0) {
      messages.add(new Message(roomId, seq, text));
    }
  }

  private void readTop(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "type" -> type = type == null ? p.getValueAsString() : type;
        case "roomId" -> roomId = p.getValueAsString();
        case "seq" -> seq = p.getValueAsLong(-1);
        case "text" -> text = p.getValueAsString();
        case "clientMsgId" -> clientMsgId = p.getValueAsString();
        case "code" -> code = p.getValueAsString();
        case "retryAfterMs" -> retryAfterMs = p.getValueAsLong(-1);
        case "caughtUp" -> caughtUp = p.getValueAsBoolean();
        case "full" -> full = p.getValueAsBoolean();
        case "message" -> {
          if (v == JsonToken.START_OBJECT) {
            messages.add(readMessage(p));
          } else {
            message = p.getValueAsString();
          }
        }
        case "messages" -> {
          if (v == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              messages.add(readMessage(p));
            }
          } else {
            p.skipChildren();
          }
        }
        case "users" -> {
          if (v == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              users.add(readUser(p));
            }
          } else {
            p.skipChildren();
          }
        }
        case "rooms" -> {
          if (v == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              rooms.add(readRoom(p));
            }
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private Message readMessage(JsonParser p) throws IOException {
    String room = roomId;
    long s = -1;
    String t = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "roomId" -> room = p.getValueAsString();
        case "seq" -> s = p.getValueAsLong(-1);
        case "text" -> t = p.getValueAsString();
        default -> p.skipChildren();
      }
    }
    return new Message(room, s, t);
  }

  private static User readUser(JsonParser p) throws IOException {
    String id = null;
    String status = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "id", "userId" -> id = p.getValueAsString();
        case "status" -> status = p.getValueAsString();
        default -> p.skipChildren();
      }
    }
    return new User(id, status);
  }

  private static Room readRoom(JsonParser p) throws IOException {
    String id = null;
    long last = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "roomId" -> id = p.getValueAsString();
        case "lastSeq" -> last = p.getValueAsLong(0);
        default -> p.skipChildren();
      }
    }
    return new Room(id, last);
  }
}
