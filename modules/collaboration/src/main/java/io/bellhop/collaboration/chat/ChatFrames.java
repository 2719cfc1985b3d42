package io.bellhop.collaboration.chat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.bellhop.platform.WireErrorCode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;

/** The server's frames (docs/collaboration.md, "Server frames"), written as JSON text. */
final class ChatFrames {
  static final JsonFactory JSON = new JsonFactory();

  private ChatFrames() {}

  /** Writes one JSON object with {@code body}. */
  static String object(Body body) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static String chat(ChatMessage m) {
    return object(
        g -> {
          g.writeStringField("type", "chat");
          fields(g, m);
        });
  }

  static void message(JsonGenerator g, ChatMessage m) throws IOException {
    g.writeStartObject();
    fields(g, m);
    g.writeEndObject();
  }

  private static void fields(JsonGenerator g, ChatMessage m) throws IOException {
    g.writeStringField("messageId", m.messageId());
    g.writeNumberField("seq", m.seq());
    g.writeStringField("roomId", m.roomId());
    g.writeObjectFieldStart("sender");
    g.writeStringField("id", m.senderId());
    g.writeStringField("name", m.senderName());
    g.writeEndObject();
    g.writeStringField("text", m.text());
    g.writeStringField("clientMsgId", m.clientMsgId());
    g.writeStringField("createdAt", m.createdAt().toString());
    if (m.replyTo() != null) {
      g.writeStringField("replyTo", m.replyTo());
    }
    if (m.fileId() != null) {
      g.writeStringField("fileId", m.fileId());
    }
    if (m.editedAt() != null) {
      g.writeStringField("editedAt", m.editedAt().toString());
    }
    if (m.deleted()) {
      g.writeBooleanField("deleted", true);
    }
  }

  static void messages(JsonGenerator g, String field, List<ChatMessage> messages)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (ChatMessage m : messages) {
      message(g, m);
    }
    g.writeEndArray();
  }

  static String history(
      String roomId, List<ChatMessage> messages, boolean hasMore, Boolean caughtUp) {
    return object(
        g -> {
          g.writeStringField("type", "history");
          g.writeStringField("roomId", roomId);
          messages(g, "messages", messages);
          g.writeBooleanField("hasMore", hasMore);
          if (caughtUp != null) {
            g.writeBooleanField("caughtUp", caughtUp);
          }
        });
  }

  static String sent(ChatMessage m) {
    return object(
        g -> {
          g.writeStringField("type", "sent");
          g.writeStringField("roomId", m.roomId());
          g.writeStringField("clientMsgId", m.clientMsgId());
          g.writeStringField("messageId", m.messageId());
          g.writeNumberField("seq", m.seq());
        });
  }

  static String changed(ChatMessage m) {
    return object(
        g -> {
          g.writeStringField("type", m.deleted() ? "deleted" : "edited");
          g.writeStringField("roomId", m.roomId());
          g.writeStringField("messageId", m.messageId());
          g.writeNumberField("seq", m.seq());
          if (!m.deleted()) {
            g.writeStringField("text", m.text());
            g.writeStringField("editedAt", m.editedAt().toString());
          }
        });
  }

  static String activity(ChatMessage m) {
    return object(
        g -> {
          g.writeStringField("type", "activity");
          g.writeStringField("roomId", m.roomId());
          g.writeNumberField("seq", m.seq());
          g.writeStringField("messageId", m.messageId());
          g.writeStringField("senderId", m.senderId());
          g.writeStringField("createdAt", m.createdAt().toString());
        });
  }

  static String receipt(String roomId, String userId, long seq, String messageId) {
    return object(
        g -> {
          g.writeStringField("type", "receipt");
          g.writeStringField("roomId", roomId);
          g.writeStringField("userId", userId);
          g.writeNumberField("seq", seq);
          if (messageId != null) {
            g.writeStringField("messageId", messageId);
          }
        });
  }

  static String unread(MessageStore.ReadMark mark) {
    return object(
        g -> {
          g.writeStringField("type", "unread");
          g.writeStringField("roomId", mark.roomId());
          g.writeNumberField("readSeq", mark.readSeq());
          g.writeNumberField("unread", mark.unread());
        });
  }

  static String typing(String roomId, Collection<Presence.User> users) {
    return object(
        g -> {
          g.writeStringField("type", "typing");
          g.writeStringField("roomId", roomId);
          g.writeArrayFieldStart("users");
          for (Presence.User u : users) {
            g.writeStartObject();
            g.writeStringField("id", u.id());
            g.writeStringField("name", u.name());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  static String presence(String roomId, Collection<Presence.User> users, boolean full) {
    return object(
        g -> {
          g.writeStringField("type", "presence");
          g.writeStringField("roomId", roomId);
          g.writeArrayFieldStart("users");
          for (Presence.User u : users) {
            g.writeStartObject();
            g.writeStringField("id", u.id());
            g.writeStringField("name", u.name());
            g.writeStringField("status", u.status().wireName());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeBooleanField("full", full);
        });
  }

  static String ready(String userId, List<MessageStore.Summary> rooms) {
    return object(
        g -> {
          g.writeStringField("type", "ready");
          g.writeStringField("userId", userId);
          summaries(g, rooms);
        });
  }

  static void summaries(JsonGenerator g, List<MessageStore.Summary> rooms) throws IOException {
    g.writeArrayFieldStart("rooms");
    for (MessageStore.Summary r : rooms) {
      g.writeStartObject();
      g.writeStringField("roomId", r.roomId());
      g.writeStringField("kind", r.kind());
      g.writeNumberField("lastSeq", r.lastSeq());
      g.writeNumberField("readSeq", r.readSeq());
      g.writeNumberField("unread", r.unread());
      if (r.last() != null) {
        g.writeFieldName("lastMessage");
        message(g, r.last());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  static String error(ChatException e) {
    return error(e.code(), e.getMessage(), e.roomId(), null, e.retryAfterMs());
  }

  static String error(
      WireErrorCode code, String message, String roomId, String clientMsgId, long retryAfterMs) {
    return object(
        g -> {
          g.writeStringField("type", "error");
          g.writeStringField("code", code.name());
          g.writeStringField("message", message);
          if (roomId != null) {
            g.writeStringField("roomId", roomId);
          }
          if (clientMsgId != null) {
            g.writeStringField("clientMsgId", clientMsgId);
          }
          if (retryAfterMs > 0) {
            g.writeNumberField("retryAfterMs", retryAfterMs);
          }
        });
  }
}
