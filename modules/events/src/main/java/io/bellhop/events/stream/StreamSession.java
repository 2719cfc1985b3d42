package io.bellhop.events.stream;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.LogPosition;
import io.bellhop.events.Service;
import io.bellhop.events.log.LogUnavailableException;
import io.bellhop.events.replay.Filter;
import io.bellhop.events.replay.Frames;
import io.bellhop.events.replay.ReplayPages;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.realtime.Deflate;
import io.bellhop.realtime.RealtimeSocket;
import io.bellhop.realtime.Refusal;
import io.bellhop.realtime.RetryHint;
import io.bellhop.realtime.SocketHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the unified stream, as a state machine (see docs/lifecycle.md):
 * HANDSHAKING → AUTHENTICATING → REGISTERED → (REPLAYING →) LIVE → CLOSED. The realtime kernel
 * ({@link RealtimeSocket}) authenticates the socket, bounds what it queues and closes it; this
 * class decides which events it gets.
 *
 * <p>The no-gap, no-duplicate rule: the session joins the hub <em>before</em> it reads the log's
 * position, so every event after that position reaches it through the fan-out; batches that arrive
 * while it is registering or replaying are held, and every batch is trimmed against {@link #cursor}
 * (the last seq sent) before it is written. State, cursor and held batches change only under this
 * object's lock, and frames are queued under it, so they leave in cursor order.
 */
final class StreamSession implements SocketHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);

  enum State {
    HANDSHAKING,
    AUTHENTICATING,
    REGISTERED,
    REPLAYING,
    LIVE,
    CLOSED
  }

  /** What a session needs from its node: the log, the fan-out's hub, threads, limits, metrics. */
  record Collaborators(
      Hub hub,
      FanOut fanOut,
      Executor handshakes,
      Executor replays,
      ReplayPages replayPages,
      LogPositions log,
      StreamConfig config,
      StreamMetrics metrics) {}

  /** The one read of the log a session's start needs; a seam for unit tests. */
  @FunctionalInterface
  interface LogPositions {
    LogPosition position();
  }

  private final RealtimeSocket socket;
  private final Collaborators node;

  private State state = State.HANDSHAKING;
  private String orgId;
  private Filter filter;
  private FanOut.Shard shard;
  private long cursor;
  private long replayHead;
  private long headReadAt;
  private final ArrayDeque<EventBatch> held = new ArrayDeque<>();
  private long heldBytes;
  private boolean heldOverflow;
  private long delivered;
  private long replayed;
  private boolean recovered;
  private ScheduledFuture<?> pingTimer;

  StreamSession(RealtimeSocket socket, Collaborators node) {
    this.socket = socket;
    this.node = node;
  }

  String orgId() {
    return orgId;
  }

  Filter filter() {
    return filter;
  }

  boolean compressed() {
    return socket.compressed();
  }

  RealtimeSocket socket() {
    return socket;
  }

  synchronized State state() {
    return state;
  }

  /**
   * A whole text message from the client, already bounded and checked by the kernel; runs on the
   * event loop. A {@link Refusal} thrown here ends the socket with its code.
   */
  @Override
  public void onText(String text) {
    State now = state();
    if (now == State.HANDSHAKING) {
      handshake(Handshake.parse(text));
    } else if (now == State.LIVE || now == State.REPLAYING) {
      clientMessage(text);
    }
  }

  private void handshake(Handshake h) {
    synchronized (this) {
      state = State.AUTHENTICATING;
    }
    socket.authenticate(h.token(), p -> register(h, p));
  }

  private void register(Handshake h, Principal p) {
    if (!p.maySubscribe()) {
      throw new Refusal(
          CloseCode.FORBIDDEN, ErrorCode.FORBIDDEN, "publisher tokens cannot subscribe");
    }
    Filter f = Filter.of(h.services(), p, h.propertyId());
    synchronized (this) {
      if (state != State.AUTHENTICATING) {
        return;
      }
      orgId = p.orgId();
      filter = f;
      shard = node.fanOut().shardOf(orgId);
      state = State.REGISTERED;
      node.hub().add(this);
    }
    node.handshakes().execute(() -> start(h));
  }

  /**
   * Reads the log position, acks, then goes live or queues the replay. Runs on a blocking thread.
   * Replays run on their own pool, so when many clients resume together every one is acked at once
   * instead of waiting for the replays queued before it.
   */
  private void start(Handshake h) {
    onLog(
        () -> {
          LogPosition pos = node.log().position();
          long readAt = System.nanoTime();
          boolean resume = h.resumes() && pos.canResumeAfter(h.lastSeq(), h.epoch());
          boolean replay;
          synchronized (this) {
            if (state != State.REGISTERED) {
              return;
            }
            recovered = resume;
            cursor = resume ? h.lastSeq() : pos.lastSeq();
            if (!socket.sendText(
                Frames.ack(
                    cursor,
                    pos.epoch(),
                    resume,
                    socket.id(),
                    node.config().heartbeat.toMillis()))) {
              return;
            }
            replay = cursor < pos.lastSeq();
            if (replay) {
              state = State.REPLAYING;
              replayHead = pos.lastSeq();
              headReadAt = readAt;
            } else {
              goLive();
            }
          }
          socket.logOpen(
              "services="
                  + serviceNames()
                  + " property="
                  + h.propertyId()
                  + " lastSeq="
                  + h.lastSeq()
                  + " recovered="
                  + resume);
          if (replay) {
            node.replays()
                .execute(
                    () -> onLog(() -> SessionReplay.run(this, node.replayPages(), node.metrics())));
          }
        });
  }

  /** Runs a step that reads the log; a failure closes the session with a code to retry on. */
  private void onLog(Runnable step) {
    try {
      step.run();
    } catch (LogUnavailableException | IllegalStateException e) {
      // IllegalStateException: jnats' way of saying the connection is closed or reconnecting.
      LOG.warn("session {}: event log unavailable: {}", socket.id(), e.toString());
      socket.refuse(
          new Refusal(
              CloseCode.TRY_AGAIN_LATER,
              ErrorCode.LOG_UNAVAILABLE,
              "event log unavailable; retry"));
    } catch (RuntimeException e) {
      LOG.error("session {}: replay failed", socket.id(), e);
      socket.refuse(
          new Refusal(
              CloseCode.INTERNAL_ERROR, ErrorCode.INTERNAL, "unexpected server error; resume"));
    }
  }

  /** The cursor a replay continues from, or -1 once the session is no longer replaying. */
  synchronized long replayFrom() {
    return state == State.REPLAYING ? cursor : -1;
  }

  /** The log's head when the replay (pass) began: later events come through the fan-out. */
  synchronized long replayHead() {
    return replayHead;
  }

  /** When {@link #replayHead} was read ({@link System#nanoTime}). */
  synchronized long headReadAt() {
    return headReadAt;
  }

  /** Queues one replayed frame ending at {@code lastSeq}; false once closed, replaced or cut. */
  synchronized boolean sendReplayed(ByteBuf frame, int events, long lastSeq) {
    if (state != State.REPLAYING) {
      frame.release();
      return false;
    }
    if (!socket.sendFrame(frame, events, 0)) {
      return false;
    }
    cursor = lastSeq;
    delivered += events;
    return true;
  }

  /** A replay page up to {@code seq} is done ({@code events} of it matched the filter). */
  synchronized void replayedThrough(long seq, int events) {
    cursor = Math.max(cursor, seq);
    replayed += events;
  }

  /**
   * Ends a replay pass: goes live and returns true, or — if live batches overflowed while it ran —
   * drops them and returns false, so the replay runs again from the cursor.
   */
  synchronized boolean finishReplay() {
    if (state != State.REPLAYING) {
      return true;
    }
    if (heldOverflow) {
      // The dropped batches are in the log: the next pass reads until the log has no more.
      releaseHeld();
      replayHead = Long.MAX_VALUE;
      headReadAt = System.nanoTime();
      return false;
    }
    goLive();
    return true;
  }

  /** Encodes (and compresses, if negotiated) a frame for this session alone: a trimmed batch. */
  private ByteBuf encodeForThisSession(List<EventEnvelope> events, int from, int to) {
    ByteBuf plain = Frames.events(events, from, to);
    if (!socket.compressed()) {
      return plain;
    }
    try {
      return Deflate.compress(plain);
    } finally {
      plain.release();
    }
  }

  /** A batch from the fan-out; runs on a fan-out thread. */
  synchronized void deliver(EventBatch b) {
    switch (state) {
      case REGISTERED, REPLAYING -> hold(b);
      case LIVE -> send(b);
      default -> {}
    }
  }

  private void hold(EventBatch b) {
    if (heldOverflow) {
      return;
    }
    int size = b.frame().readableBytes();
    if (heldBytes + size > node.config().maxQueuedBytes) {
      releaseHeld();
      heldOverflow = true;
      return;
    }
    held.add(b.retain());
    heldBytes += size;
  }

  private boolean send(EventBatch b) {
    if (b.lastSeq() <= cursor) {
      return true;
    }
    ByteBuf frame;
    int count;
    if (b.firstSeq() > cursor) {
      frame = (socket.compressed() ? b.deflated() : b.frame()).retainedDuplicate();
      count = b.events().size();
    } else {
      var fresh = b.events().stream().filter(e -> e.seq() > cursor).toList();
      frame = encodeForThisSession(fresh, 0, fresh.size());
      count = fresh.size();
    }
    cursor = b.lastSeq();
    if (!socket.sendFrame(frame, count, b.appendedAtMicros())) {
      return false;
    }
    delivered += count;
    node.metrics().deliveredTo(b.events().get(0).service(), count, socket.compressed());
    return true;
  }

  private void goLive() {
    state = State.LIVE;
    EventBatch b;
    boolean ok = true;
    while ((b = held.poll()) != null) {
      ok = ok && send(b);
      b.release();
    }
    heldBytes = 0;
    heldOverflow = false;
    long every = node.config().heartbeat.toMillis();
    EventLoop loop = socket.eventLoop();
    pingTimer = loop.scheduleAtFixedRate(this::ping, every, every, TimeUnit.MILLISECONDS);
  }

  private synchronized void ping() {
    if (state == State.LIVE) {
      cursor = Math.max(cursor, shard.processedSeq());
      socket.sendText(Frames.ping(cursor));
    }
  }

  private void releaseHeld() {
    EventBatch b;
    while ((b = held.poll()) != null) {
      b.release();
    }
    heldBytes = 0;
    heldOverflow = false;
  }

  /** The client's own input is never echoed: an error frame must not grow with what it sent. */
  private void clientMessage(String text) {
    ClientMessage m = ClientMessage.parse(text);
    if (m == null) {
      socket.sendError(
          ErrorCode.UNKNOWN_MESSAGE, "message is not a JSON object of the documented shape");
    } else if ("refresh".equals(m.type())) {
      socket.reauthenticate(m.token(), this::checkCovers);
    } else {
      socket.sendError(ErrorCode.UNKNOWN_MESSAGE, "unknown message type");
    }
  }

  /** A refreshed token must still allow subscribing to everything the current filter reads. */
  private void checkCovers(Principal p) {
    Filter f;
    synchronized (this) {
      f = filter;
    }
    boolean covers =
        p.maySubscribe()
            && (p.seesAllProperties()
                || (f.properties() != null && f.properties().stream().allMatch(p::maySeeProperty)));
    if (!covers) {
      throw new Refusal(
          CloseCode.FORBIDDEN, ErrorCode.FORBIDDEN, "refreshed token does not cover this stream");
    }
  }

  /** Closes with 1011: the fan-out failed to route to this session (it resumes, losing nothing). */
  void routingFailed() {
    socket.close(CloseCode.INTERNAL_ERROR, RetryHint.reason(1_000));
  }

  /** The socket is ending: nothing more is queued, and the hub forgets the session. */
  @Override
  public void ended() {
    synchronized (this) {
      state = State.CLOSED;
      releaseHeld();
      if (pingTimer != null) {
        pingTimer.cancel(false);
      }
    }
    node.hub().remove(this);
  }

  @Override
  public void written(int events, long appendedAtMicros) {
    node.metrics().delivered(events, appendedAtMicros);
  }

  @Override
  public synchronized String closeLogFields() {
    return "services="
        + (filter == null ? "-" : serviceNames())
        + " delivered="
        + delivered
        + " replayed="
        + replayed
        + " recovered="
        + recovered;
  }

  /** Subscriptions this session holds: one per service. */
  int subscriptions() {
    Filter f = filter;
    return f == null ? 0 : f.services().size();
  }

  private String serviceNames() {
    if (filter.services().size() == Service.values().length) {
      return "all";
    }
    return String.join(",", filter.services().stream().map(Service::wireName).toList());
  }
}
