package io.bellhop.collaboration.chat;

import io.bellhop.collaboration.ChatCloseCode;
import io.bellhop.collaboration.ChatError;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.realtime.RealtimeSocket;
import io.bellhop.realtime.Refusal;
import io.bellhop.realtime.SocketHandler;
import io.bellhop.uploads.UploadException;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat socket: the handshake, then the client's frames (docs/collaboration.md, "Client
 * frames"). Frames are read on the socket's event loop; whatever needs PostgreSQL runs on the hub's
 * pool, one task of this socket at a time and in the order the frames came ({@code tasks}), except
 * posts, which the room's writer batches and orders by itself.
 */
final class ChatSocket implements SocketHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ChatSocket.class);
  private static final long TYPING_REPEAT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int MAX_EARLY_FRAMES = 64;

  private enum Phase {
    HANDSHAKE,
    OPENING,
    OPEN,
    ENDED
  }

  private final RealtimeSocket socket;
  private final ChatHub hub;
  private final ChatConfig config;

  /** Rooms this socket is in; guarded by the org's lock. */
  final Map<String, Joined> joined = new HashMap<>();

  private Phase phase = Phase.HANDSHAKE;
  private volatile Principal principal;
  private volatile ChatHub.Org org;
  private boolean detachScheduled;

  /** Set by the hub under the org's lock once the socket left it: nothing may join it again. */
  boolean detached;

  private volatile Presence.Status status = Presence.Status.ONLINE;

  /** Frames of this socket handed to the pool and not yet done; guarded by this. */
  private int pendingTasks;

  /** What the hub sent before {@code ready} (activity of the org): sent right after it. */
  private final ArrayDeque<Object> heldUntilReady = new ArrayDeque<>();

  /**
   * Set once what was held is sent (under this object's lock); read without it on the hot path,
   * where every message of a busy room reaches every member's socket.
   */
  private volatile boolean ready;

  private final ArrayDeque<String> early = new ArrayDeque<>();
  private CompletableFuture<Void> tasks = CompletableFuture.completedFuture(null);
  private final Map<String, Long> typingSentNanos = new HashMap<>();
  private long posted;

  ChatSocket(RealtimeSocket socket, ChatHub hub) {
    this.socket = socket;
    this.hub = hub;
    this.config = hub.config;
  }

  String id() {
    return socket.id();
  }

  Principal principal() {
    return principal;
  }

  @Override
  public void onText(String text) {
    Phase now;
    synchronized (this) {
      now = phase;
      if (now == Phase.HANDSHAKE) {
        phase = Phase.OPENING;
      } else if (now == Phase.OPENING) {
        if (early.size() >= MAX_EARLY_FRAMES) {
          throw new Refusal(
              CloseCode.BAD_HANDSHAKE, ErrorCode.BAD_REQUEST, "too many frames before \"ready\"");
        }
        early.add(text);
        return;
      }
    }
    switch (now) {
      case HANDSHAKE -> {
        ChatHandshake h = ChatHandshake.parse(text, config.maxRoomsPerSocket);
        socket.authenticate(h.token(), p -> hub.pool.execute(() -> start(p, h)));
      }
      case OPEN -> frame(text);
      default -> {}
    }
  }

  private void start(Principal p, ChatHandshake h) {
    try {
      if (!p.maySubscribe() || p.userId() == null || p.userId().isEmpty()) {
        throw new Refusal(CloseCode.FORBIDDEN, ErrorCode.FORBIDDEN, "chat needs a user's token");
      }
      Map<String, Room> rooms = new java.util.LinkedHashMap<>();
      for (String roomId : h.roomIds()) {
        try {
          rooms.put(roomId, hub.resolve(p, roomId));
        } catch (ChatException e) {
          throw new Refusal(CloseCode.FORBIDDEN, ErrorCode.FORBIDDEN, e.getMessage());
        }
      }
      principal = p;
      ChatHub.Org o;
      try {
        o = hub.attach(this, p);
      } catch (IllegalStateException e) {
        throw new Refusal(
            CloseCode.TRY_AGAIN_LATER, ErrorCode.INTERNAL, "the chat bus (NATS) is unreachable");
      }
      synchronized (this) {
        org = o;
      }
      if (phase() == Phase.ENDED) {
        ended();
        return;
      }
      socket.sendText(ChatFrames.ready(p.userId(), hub.store.rooms(p)));
      releaseHeld();
      socket.logOpen("user=" + p.userId() + " rooms=" + rooms.size());
      for (var room : rooms.values()) {
        hub.join(o, this, room, h.rooms().get(room.id()));
      }
    } catch (Refusal r) {
      socket.refuse(r);
      return;
    } catch (ChatException e) {
      send(ChatFrames.error(e));
    } catch (RuntimeException e) {
      LOG.warn("chat.open_failed socket={}", socket.id(), e);
      storeUnavailable();
      return;
    }
    String next;
    while (true) {
      synchronized (this) {
        next = early.poll();
        if (next == null) {
          if (phase == Phase.OPENING) {
            phase = Phase.OPEN;
          }
          return;
        }
      }
      frame(next);
    }
  }

  private synchronized Phase phase() {
    return phase;
  }

  /**
   * One frame after {@code ready}. Handled here unless earlier frames of this socket still wait for
   * the pool: then after them, so frames take effect in the order they came (a {@code chat} right
   * after its {@code join}, a {@code leave} after the {@code join} it undoes).
   */
  private void frame(String text) {
    boolean behind;
    synchronized (this) {
      behind = pendingTasks > 0;
    }
    if (behind) {
      try {
        serially(null, () -> handle(text));
      } catch (ChatException e) {
        refused(e, null);
      }
    } else {
      handle(text);
    }
  }

  /** Refusals go back as error frames; the socket stays. */
  private void handle(String text) {
    ClientFrame f = null;
    try {
      f = ClientFrame.parse(text);
      switch (f.type()) {
        case "join" -> join(f);
        case "leave" -> hub.leave(org, this, f.roomIdRequired());
        case "chat" -> chat(f);
        case "typing" -> typing(f);
        case "presence" -> presence(f);
        case "read" -> read(f);
        case "history" -> history(f);
        case "edit" -> change(f, true);
        case "delete" -> change(f, false);
        case "refresh" -> refresh(f);
        default ->
            throw new ChatException(
                ErrorCode.UNKNOWN_MESSAGE, "unknown frame type; see docs/collaboration.md", null);
      }
    } catch (ChatException e) {
      refused(e, f == null ? null : f.string("clientMsgId"));
    }
  }

  private void refused(ChatException e, String clientMsgId) {
    hub.refused.increment();
    send(ChatFrames.error(e.code(), e.getMessage(), e.roomId(), clientMsgId, e.retryAfterMs()));
  }

  private void join(ClientFrame f) {
    String roomId = f.roomIdRequired();
    Long after = f.count("after");
    Principal p = principal;
    serially(roomId, () -> hub.join(org, this, hub.resolve(p, roomId), after));
  }

  /** The room this socket is in, or NOT_JOINED. */
  private Room joinedRoom(String roomId) {
    ChatHub.Org o = org;
    synchronized (o) {
      Joined j = joined.get(roomId);
      if (j == null) {
        throw new ChatException(
            ChatError.NOT_JOINED, "join room " + roomId + " before sending to it", roomId);
      }
      return j.room.room;
    }
  }

  private void chat(ClientFrame f) {
    String roomId = f.roomIdRequired();
    String clientMsgId = f.id("clientMsgId");
    if (clientMsgId == null) {
      throw ClientFrame.bad("a \"chat\" frame needs \"clientMsgId\"", roomId);
    }
    String text = ClientFrame.text(f.requiredString("text"), config.maxTextLength, roomId);
    String replyTo = f.id("replyTo");
    String fileId = f.id("fileId");
    Room room = joinedRoom(roomId);
    Principal p = principal;
    long wait = hub.takePostToken(org, p.userId());
    if (wait > 0) {
      throw new ChatException(
          ChatError.RATE_LIMITED,
          "slow down: at most "
              + config.messagesPerSecond
              + " messages a second; re-send with the same clientMsgId",
          roomId,
          wait);
    }
    Post post = new Post(p.userId(), p.name(), clientMsgId, text, replyTo, fileId);
    if (fileId == null) {
      post(room, post);
      return;
    }
    hub.pool.execute(
        () -> {
          try {
            hub.uploads.completed(p, fileId);
          } catch (UploadException e) {
            refused(
                new ChatException(
                    ChatError.ATTACHMENT_NOT_FOUND,
                    "no completed upload " + fileId + " of yours to attach",
                    roomId),
                clientMsgId);
            return;
          } catch (RuntimeException e) {
            refused(
                new ChatException(
                    ChatError.CHAT_UNAVAILABLE,
                    "the attachment could not be checked; retry",
                    roomId),
                clientMsgId);
            return;
          }
          post(room, post);
        });
  }

  private void post(Room room, Post post) {
    hub.writer
        .post(room, post)
        .whenComplete(
            (done, error) -> {
              if (error instanceof ChatException e) {
                refused(e, post.clientMsgId());
              } else if (error != null) {
                LOG.warn("chat.post_failed socket={}", socket.id(), error);
                refused(
                    new ChatException(ErrorCode.INTERNAL, "the message was not posted", room.id()),
                    post.clientMsgId());
              } else {
                synchronized (this) {
                  posted++;
                }
                send(ChatFrames.sent(done.message()));
              }
            });
  }

  private void typing(ClientFrame f) {
    String roomId = f.roomIdRequired();
    boolean typing = !Boolean.FALSE.equals(f.bool("typing"));
    Room room = joinedRoom(roomId);
    long now = System.nanoTime();
    synchronized (this) {
      Long last = typingSentNanos.get(roomId);
      if (typing && last != null && now - last < TYPING_REPEAT_NANOS) {
        return;
      }
      if (typing) {
        typingSentNanos.put(roomId, now);
      } else {
        typingSentNanos.remove(roomId);
      }
    }
    hub.publishTyping(room, ChatHub.user(principal, Presence.Status.ONLINE), typing);
  }

  private void presence(ClientFrame f) {
    Presence.Status s =
        switch (f.requiredString("status")) {
          case "online" -> Presence.Status.ONLINE;
          case "away" -> Presence.Status.AWAY;
          default -> throw ClientFrame.bad("\"status\" must be \"online\" or \"away\"", null);
        };
    this.status = s;
    hub.status(org, this, principal, s);
  }

  private void read(ClientFrame f) {
    String roomId = f.roomIdRequired();
    String messageId = f.id("messageId");
    Long seq = f.count("seq");
    if ((messageId == null) == (seq == null)) {
      throw ClientFrame.bad("a \"read\" frame needs \"messageId\" or \"seq\", not both", roomId);
    }
    Principal p = principal;
    serially(
        roomId,
        () -> {
          Room room = hub.resolve(p, roomId);
          MessageStore.ReadMark mark =
              hub.store.markRead(room, p.userId(), messageId, seq == null ? 0 : seq);
          if (mark != null) {
            hub.publishReceipt(room, p.userId(), mark);
          }
        });
  }

  private void history(ClientFrame f) {
    String roomId = f.roomIdRequired();
    Long before = f.count("before");
    if (before == null) {
      throw ClientFrame.bad("a \"history\" frame needs \"before\" (a seq)", roomId);
    }
    Long limit = f.count("limit");
    int size = config.pageSize(limit);
    Room room = joinedRoom(roomId);
    serially(
        roomId,
        () -> {
          MessageStore.Page page = hub.store.before(room, before, size);
          send(ChatFrames.history(roomId, page.messages(), page.hasMore(), null, before));
        });
  }

  private void change(ClientFrame f, boolean edit) {
    String roomId = f.roomIdRequired();
    String messageId = f.id("messageId");
    if (messageId == null) {
      throw ClientFrame.bad("an \"" + f.type() + "\" frame needs \"messageId\"", roomId);
    }
    String text =
        edit ? ClientFrame.text(f.requiredString("text"), config.maxTextLength, roomId) : null;
    Room room = joinedRoom(roomId);
    String userId = principal.userId();
    serially(
        roomId,
        () -> {
          ChatMessage m = hub.store.change(room, userId, messageId, text);
          if (m == null) {
            throw new ChatException(
                ChatError.MESSAGE_NOT_FOUND,
                "no message " + messageId + " of yours in this room (or it was deleted)",
                roomId);
          }
          hub.publish("changed", room, m);
        });
  }

  private void refresh(ClientFrame f) {
    String token = f.requiredString("token");
    socket.reauthenticate(
        token,
        p -> {
          if (!p.orgId().equals(principal.orgId())
              || !p.userId().equals(principal.userId())
              || !p.maySubscribe()) {
            throw new Refusal(
                CloseCode.FORBIDDEN,
                ErrorCode.FORBIDDEN,
                "refreshed token does not cover this connection");
          }
          principal = p;
          ChatHub.Org o = org;
          synchronized (o) {
            o.sockets.reindex(this, p);
            for (var it = joined.entrySet().iterator(); it.hasNext(); ) {
              var e = it.next();
              if (!e.getValue().room.room.admits(p)) {
                it.remove();
                hub.leaveRoom(o, e.getValue());
                send(ChatFrames.error(Room.notYours(e.getKey())));
              }
            }
          }
          hub.status(o, this, p, status);
        });
  }

  /**
   * Runs {@code task} on the pool after this socket's earlier ones; a refusal it throws becomes an
   * error frame, a failure of PostgreSQL {@code CHAT_UNAVAILABLE}.
   */
  private void serially(String roomId, Runnable task) {
    synchronized (this) {
      if (pendingTasks >= config.maxPendingTasks) {
        throw new ChatException(
            ChatError.RATE_LIMITED,
            "too many requests of this socket are waiting; send this one again later",
            roomId,
            500);
      }
      pendingTasks++;
      tasks =
          tasks.thenRunAsync(
              () -> {
                try {
                  task.run();
                } catch (ChatException e) {
                  refused(e, null);
                } catch (RuntimeException e) {
                  LOG.warn("chat.task_failed socket={} room={}", socket.id(), roomId, e);
                  refused(
                      new ChatException(
                          ChatError.CHAT_UNAVAILABLE,
                          "the chat store could not be reached; retry",
                          roomId),
                      null);
                } finally {
                  synchronized (this) {
                    pendingTasks--;
                  }
                }
              },
              hub.pool);
    }
  }

  void send(String frame) {
    if (!ready) {
      synchronized (this) {
        if (!ready) {
          hold(frame);
          return;
        }
      }
    }
    socket.sendText(frame);
  }

  private void hold(Object frame) {
    if (heldUntilReady.size() < MAX_EARLY_FRAMES * 16) {
      heldUntilReady.add(frame);
    } else if (frame instanceof ByteBuf b) {
      b.release(); // an activity frame lost: the room list in ready is at most that stale
    }
  }

  private synchronized void releaseHeld() {
    for (Object held : heldUntilReady) {
      if (held instanceof ByteBuf b) {
        socket.sendFrame(b, 1, 0);
      } else {
        socket.sendText((String) held);
      }
    }
    heldUntilReady.clear();
    ready = true; // after the held frames: no frame overtakes them
  }

  boolean compressed() {
    return socket.compressed();
  }

  /** Sends a frame shared with other sockets (see {@link SharedFrame}); takes {@code bytes}. */
  void sendShared(ByteBuf bytes) {
    if (!ready) {
      synchronized (this) {
        if (!ready) {
          hold(bytes);
          return;
        }
      }
    }
    socket.sendFrame(bytes, 1, 0);
  }

  boolean awaitRoomFor(int bytes) {
    return socket.awaitRoomFor(bytes);
  }

  /** A catch-up buffer overflowed: the client resumes from its cursors. */
  void tooFarBehind() {
    socket.slowConsumer();
  }

  void storeUnavailable() {
    socket.refuse(
        new Refusal(
            ChatCloseCode.CHAT_STORE_UNAVAILABLE,
            ChatError.CHAT_UNAVAILABLE,
            "the chat store could not be reached; reconnect with your cursors"));
  }

  @Override
  public void ended() {
    ChatHub.Org o;
    synchronized (this) {
      phase = Phase.ENDED;
      o = detachScheduled ? null : org;
      detachScheduled = o != null;
      early.clear();
      ready = true;
      for (Object held : heldUntilReady) {
        if (held instanceof ByteBuf b) {
          b.release();
        }
      }
      heldUntilReady.clear();
    }
    if (o != null) {
      Principal p = principal;
      // Not on this thread: it may be inside the org's lock, sending to this socket.
      try {
        hub.pool.execute(() -> hub.detach(this, o, p));
      } catch (RejectedExecutionException e) {
        hub.detach(this, o, p); // the node is stopping
      }
    }
  }

  @Override
  public synchronized String closeLogFields() {
    return "posted=" + posted;
  }
}
