package io.bellhop.collaboration.chat;

import java.util.ArrayDeque;

/**
 * One socket in one room: how far the client has the room's messages, and what waits while it
 * catches up. Guarded by the org's lock ({@link ChatHub.Org}).
 *
 * <p><b>The invariant.</b> The socket sends {@code chat} for this room only for {@code lastSeq +
 * 1}, so the client gets every message once and in order. Anything else live that arrives while the
 * socket catches up (from PostgreSQL, after a join with a cursor or a gap in what NATS brought)
 * waits in {@code buffer}, at most {@code max-catch-up-buffer} entries; past it the socket is cut
 * as a slow consumer and the client resumes with its cursor.
 */
final class Joined {
  final ChatSocket socket;
  final ChatHub.RoomState room;

  /** The last seq of this room the client has. */
  long lastSeq;

  boolean catchingUp = true;
  boolean left;

  /** While catching up: messages ({@link ChatMessage}) and other frames (text) in arrival order. */
  final ArrayDeque<Object> buffer = new ArrayDeque<>();

  Joined(ChatSocket socket, ChatHub.RoomState room) {
    this.socket = socket;
    this.room = room;
  }

  /**
   * A live message of the room. Returns true when it opened a gap: the caller starts a catch-up.
   */
  boolean offer(ChatMessage m, SharedFrame frame, int maxBuffer) {
    if (catchingUp) {
      hold(m, maxBuffer);
      return false;
    }
    if (m.seq() <= lastSeq) {
      return false;
    }
    if (m.seq() == lastSeq + 1) {
      frame.sendTo(socket);
      lastSeq = m.seq();
      return false;
    }
    catchingUp = true;
    hold(m, maxBuffer);
    return true;
  }

  /** A frame that is not a message (receipt, typing, presence): in order with the messages. */
  void offerFrame(String frame, int maxBuffer) {
    if (catchingUp) {
      hold(frame, maxBuffer);
    } else {
      socket.send(frame);
    }
  }

  private void hold(Object item, int maxBuffer) {
    if (buffer.size() >= maxBuffer) {
      buffer.clear();
      socket.tooFarBehind();
      return;
    }
    buffer.add(item);
  }

  /**
   * The catch-up reached the room's head as read: sends what waited, in order. Returns true when a
   * waiting message is past {@code lastSeq + 1} (a new gap): the catch-up goes on from {@code
   * lastSeq}, the rest still waiting.
   */
  boolean drain() {
    catchingUp = false;
    while (!buffer.isEmpty()) {
      Object item = buffer.poll();
      if (item instanceof ChatMessage m) {
        if (m.seq() <= lastSeq) {
          continue;
        }
        if (m.seq() > lastSeq + 1) {
          buffer.addFirst(m);
          catchingUp = true;
          return true;
        }
        socket.send(ChatFrames.chat(m));
        lastSeq = m.seq();
      } else {
        socket.send((String) item);
      }
    }
    return false;
  }
}
