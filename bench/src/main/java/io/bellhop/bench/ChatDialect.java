package io.bellhop.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two chat servers the benchmark drives, and what differs on the wire: Bellhop's {@code
 * /v2/collaboration/chat/stream} (a first frame with the token and the rooms, plain JSON frames;
 * docs/collaboration.md) and the Socket.IO 4 peer ({@code bench/peers/socketio-chat.mjs}: user and
 * rooms in the query, Engine.IO packets, {@code 42["chat",{…}]} events).
 */
enum ChatDialect {
  BELLHOP,
  SOCKETIO;

  static ChatDialect of(String target) {
    return switch (target) {
      case "bellhop" -> BELLHOP;
      case "socketio" -> SOCKETIO;
      default -> throw new IllegalArgumentException("--target is bellhop or socketio: " + target);
    };
  }

  /** The socket URL for a member; {@code node} is a node's base URL (ws://host:port). */
  URI uri(String node, ChatMember m) {
    String base = node.endsWith("/") ? node.substring(0, node.length() - 1) : node;
    if (this == BELLHOP) {
      return URI.create(base + "/v2/collaboration/chat/stream");
    }
    return URI.create(
        base
            + "/socket.io/?EIO=4&transport=websocket&user="
            + enc(m.userId)
            + "&rooms="
            + enc(String.join(",", m.roomIds())));
  }

  /**
   * Bellhop's handshake frame: the token and each room, with {@code after} = the last seq held when
   * the member resumes. Null for Socket.IO (its rooms ride the query string).
   */
  String handshake(String token, ChatMember m, boolean resume) {
    if (this == SOCKETIO) {
      return null;
    }
    List<Map<String, Object>> rooms =
        m.roomIds().stream()
            .map(
                r -> {
                  Map<String, Object> j = new LinkedHashMap<>();
                  j.put("roomId", r);
                  if (resume) {
                    j.put("after", m.lastSeq(r));
                  }
                  return j;
                })
            .toList();
    Map<String, Object> hs = new LinkedHashMap<>();
    hs.put("token", token);
    hs.put("rooms", rooms);
    return Json.toString(hs);
  }

  /** A chat post; the text holds no characters that need JSON escaping (the caller's). */
  String chat(String roomId, String clientMsgId, String text) {
    String body =
        "{\"type\":\"chat\",\"roomId\":\""
            + roomId
            + "\",\"clientMsgId\":\""
            + clientMsgId
            + "\",\"text\":\""
            + text
            + "\"}";
    return this == BELLHOP ? body : "42[\"chat\"," + body + "]";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
