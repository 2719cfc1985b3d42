package io.bellhop.collaboration.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.realtime.Refusal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's first frame: {@code {"token"?, "roomId"?, "after"?, "rooms"?:[{roomId, after?}]}}.
 * Strict like every handshake that carries a credential: a field of the wrong type, a duplicated
 * field or anything after the object is refused (4400), never coerced.
 *
 * @param rooms the rooms to join, each with its cursor (null: the newest page)
 */
record ChatHandshake(String token, Map<String, Long> rooms) {

  static ChatHandshake parse(String text, int maxRooms) {
    ClientFrame f;
    try {
      f = ClientFrame.parseObject(text);
    } catch (ChatException e) {
      throw bad(e.getMessage());
    }
    Map<String, Long> rooms = new LinkedHashMap<>();
    String token;
    try {
      token = f.string("token");
      if (f.roomId() != null) {
        rooms.put(f.roomId(), f.count("after"));
      }
      JsonNode list = f.fields().get("rooms");
      if (list != null && !list.isNull()) {
        if (!list.isArray()) {
          throw bad("\"rooms\" must be an array of {\"roomId\", \"after\"?}");
        }
        for (JsonNode each : list) {
          if (!each.isObject() || !each.path("roomId").isTextual()) {
            throw bad("\"rooms\" must be an array of {\"roomId\", \"after\"?}");
          }
          ClientFrame room = new ClientFrame(each, "join", each.get("roomId").asText());
          rooms.put(room.roomId(), room.count("after"));
        }
      }
    } catch (ChatException e) {
      throw bad(e.getMessage());
    }
    if (rooms.size() > maxRooms) {
      throw bad("a socket may be in " + maxRooms + " rooms at once");
    }
    return new ChatHandshake(token, rooms);
  }

  List<String> roomIds() {
    return new ArrayList<>(rooms.keySet());
  }

  private static Refusal bad(String message) {
    return new Refusal(CloseCode.BAD_HANDSHAKE, ErrorCode.BAD_HANDSHAKE, message);
  }
}
