package io.bellhop.bench;

import io.netty.channel.Channel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One chat user with one socket, the rooms it joins and, per room, the exactly-once check: a room's
 * messages carry gap-free sequence numbers 1, 2, 3…; the member must see each number after its base
 * (the room's {@code lastSeq} at its first {@code ready}) once, in order. Older messages (a join's
 * history page) are only counted. Frame callbacks run on the socket's event loop.
 */
final class ChatMember {
  /** What a benchmark mode does with a member's traffic (on the member's event loop). */
  interface Listener {
    default void ready(ChatMember m) {}

    /** A message after the base; {@code first} is false for a duplicate. */
    void delivered(ChatMember m, ChatFrame.Message msg, boolean first, long nowMicros);

    /** Every frame, after its messages were recorded. */
    default void frame(ChatMember m, ChatFrame f) {}

    default void failed(ChatMember m, String reason) {}

    default void closed(ChatMember m, String reason) {}

    default void badFrame(ChatMember m, Exception e) {}
  }

  /** One joined room's cursor and tracker. */
  static final class Room {
    volatile long base = -1;
    volatile long highest;
    final SequenceTracker tracker = new SequenceTracker();
  }

  final int index;
  final String userId;
  final int node;
  private final Map<String, Room> rooms = new LinkedHashMap<>();

  /** Last presence status seen per user id (a {@code full} frame replaces the lot). */
  final Map<String, String> presence = new ConcurrentHashMap<>();

  volatile Channel channel;
  volatile boolean open;
  volatile boolean resume;
  volatile long readyAtNanos;
  long older;
  long foreign;

  ChatMember(int index, String userId, int node, List<String> roomIds) {
    this.index = index;
    this.userId = userId;
    this.node = node;
    for (String r : roomIds) {
      rooms.put(r, new Room());
    }
  }

  List<String> roomIds() {
    return List.copyOf(rooms.keySet());
  }

  Room room(String roomId) {
    return rooms.get(roomId);
  }

  /** The highest seq seen in the room (the cursor a resume sends as {@code after}). */
  long lastSeq(String roomId) {
    Room r = rooms.get(roomId);
    return r == null ? 0 : Math.max(r.highest, Math.max(0, r.base));
  }

  /** Messages after the base not received, given the room's last seq. */
  long lost(String roomId, long roomLastSeq) {
    Room r = rooms.get(roomId);
    long base = Math.max(0, r.base);
    return r.tracker.lost((int) (roomLastSeq - base));
  }

  /** Whether every message up to {@code roomLastSeq} has arrived. */
  boolean complete(String roomId, long roomLastSeq) {
    Room r = rooms.get(roomId);
    return r.base >= 0 && r.tracker.distinct() >= roomLastSeq - r.base;
  }

  void onFrame(ChatFrame f, Listener listener, long nowMicros) {
    if ("ready".equals(f.type)) {
      for (ChatFrame.Room cursor : f.rooms) {
        Room r = rooms.get(cursor.roomId());
        if (r != null && r.base < 0) {
          r.base = cursor.lastSeq();
        }
      }
      for (Room r : rooms.values()) {
        if (r.base < 0) {
          r.base = 0;
        }
      }
    }
    for (ChatFrame.Message msg : f.messages) {
      String roomId = msg.roomId() == null ? f.roomId : msg.roomId();
      Room r = roomId == null ? null : rooms.get(roomId);
      if (r == null) {
        foreign++;
        continue;
      }
      if (r.base < 0) {
        r.base = 0;
      }
      long seq = msg.seq();
      if (seq <= r.base) {
        older++;
        continue;
      }
      if (seq > r.highest) {
        r.highest = seq;
      }
      boolean first = r.tracker.record(seq - r.base - 1);
      ChatFrame.Message m =
          msg.roomId() != null ? msg : new ChatFrame.Message(roomId, seq, msg.text());
      listener.delivered(this, m, first, nowMicros);
    }
    if ("presence".equals(f.type)) {
      if (f.full) {
        presence.clear();
      }
      for (ChatFrame.User u : f.users) {
        if (u.id() != null) {
          presence.put(u.id(), u.status() == null ? "online" : u.status());
        }
      }
    }
    if ("ready".equals(f.type)) {
      open = true;
      readyAtNanos = System.nanoTime();
      listener.ready(this);
    }
    listener.frame(this, f);
  }
}
