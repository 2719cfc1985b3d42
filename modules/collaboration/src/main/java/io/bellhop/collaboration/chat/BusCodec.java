package io.bellhop.collaboration.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What nodes tell each other over NATS core (never durable: PostgreSQL is). One subject per room,
 * {@code bellhop.chat.<orgId>.room.<roomId>}, and one per org for presence, {@code
 * bellhop.chat.<orgId>.presence}; a node with sockets of an org subscribes to {@code
 * bellhop.chat.<orgId>.>}.
 */
final class BusCodec {
  static final String PREFIX = "bellhop.chat.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private BusCodec() {}

  static String roomSubject(String orgId, String roomId) {
    return PREFIX + orgId + ".room." + roomId;
  }

  static String presenceSubject(String orgId) {
    return PREFIX + orgId + ".presence";
  }

  static String orgWildcard(String orgId) {
    return PREFIX + orgId + ".>";
  }

  static byte[] message(String kind, ChatMessage m, Collection<String> members) {
    return bytes(
        ChatFrames.object(
            g -> {
              g.writeStringField("kind", kind);
              if (!members.isEmpty()) {
                g.writeArrayFieldStart("members");
                for (String member : members) {
                  g.writeString(member);
                }
                g.writeEndArray();
              }
              g.writeObjectFieldStart("m");
              g.writeStringField("roomId", m.roomId());
              g.writeNumberField("seq", m.seq());
              g.writeStringField("messageId", m.messageId());
              g.writeStringField("senderId", m.senderId());
              g.writeStringField("senderName", m.senderName());
              g.writeStringField("clientMsgId", m.clientMsgId());
              g.writeStringField("text", m.text());
              optional(g, "replyTo", m.replyTo());
              optional(g, "fileId", m.fileId());
              g.writeStringField("createdAt", m.createdAt().toString());
              optional(g, "editedAt", m.editedAt() == null ? null : m.editedAt().toString());
              g.writeBooleanField("deleted", m.deleted());
              g.writeEndObject();
            }));
  }

  static byte[] receipt(MessageStore.ReadMark mark, String userId) {
    return bytes(
        ChatFrames.object(
            g -> {
              g.writeStringField("kind", "receipt");
              g.writeStringField("roomId", mark.roomId());
              g.writeStringField("userId", userId);
              g.writeNumberField("seq", mark.readSeq());
              optional(g, "messageId", mark.messageId());
              g.writeNumberField("unread", mark.unread());
            }));
  }

  static byte[] typing(String roomId, Presence.User user, boolean typing) {
    return bytes(
        ChatFrames.object(
            g -> {
              g.writeStringField("kind", "typing");
              g.writeStringField("roomId", roomId);
              g.writeStringField("id", user.id());
              g.writeStringField("name", user.name());
              g.writeBooleanField("typing", typing);
            }));
  }

  static byte[] beat(String node, Collection<Presence.User> users) {
    return bytes(
        ChatFrames.object(
            g -> {
              g.writeStringField("kind", "beat");
              g.writeStringField("node", node);
              g.writeArrayFieldStart("users");
              for (Presence.User u : users) {
                g.writeStartObject();
                g.writeStringField("id", u.id());
                g.writeStringField("name", u.name());
                g.writeStringField("status", u.status().wireName());
                if (u.properties() != null) {
                  g.writeArrayFieldStart("properties");
                  for (String p : u.properties()) {
                    g.writeString(p);
                  }
                  g.writeEndArray();
                }
                g.writeEndObject();
              }
              g.writeEndArray();
            }));
  }

  static byte[] control(String kind, String node) {
    return bytes(
        ChatFrames.object(
            g -> {
              g.writeStringField("kind", kind);
              g.writeStringField("node", node);
            }));
  }

  private static void optional(JsonGenerator g, String field, String value) throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode parse(byte[] data) {
    try {
      return JSON.readTree(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ChatMessage messageOf(JsonNode n) {
    JsonNode m = n.get("m");
    return new ChatMessage(
        m.get("roomId").asText(),
        m.get("seq").asLong(),
        m.get("messageId").asText(),
        m.get("senderId").asText(),
        m.get("senderName").asText(),
        m.get("clientMsgId").asText(),
        m.get("text").asText(),
        text(m, "replyTo"),
        text(m, "fileId"),
        Instant.parse(m.get("createdAt").asText()),
        m.hasNonNull("editedAt") ? Instant.parse(m.get("editedAt").asText()) : null,
        m.path("deleted").asBoolean(false));
  }

  static Set<String> members(JsonNode n) {
    Set<String> out = new HashSet<>();
    n.path("members").forEach(v -> out.add(v.asText()));
    return out;
  }

  static Map<String, Presence.User> users(JsonNode n) {
    Map<String, Presence.User> out = new HashMap<>();
    for (JsonNode u : n.path("users")) {
      Set<String> properties = null;
      if (u.has("properties")) {
        properties = new HashSet<>();
        for (JsonNode p : u.get("properties")) {
          properties.add(p.asText());
        }
      }
      var user =
          new Presence.User(
              u.get("id").asText(),
              u.get("name").asText(),
              Presence.Status.parse(u.get("status").asText()),
              properties);
      out.put(user.id(), user);
    }
    return out;
  }

  static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }
}
