package io.bellhop.events.stream;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.LogPosition;
import io.bellhop.events.Service;
import io.bellhop.events.log.LogUnavailableException;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.micronaut.http.HttpRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the unified stream, as a state machine (see docs/lifecycle.md):
 * HANDSHAKING → AUTHENTICATING → REGISTERED → (REPLAYING →) LIVE → CLOSED.
 *
 * <p>The no-gap, no-duplicate rule: the session joins the hub <em>before</em> it reads the log's
 * position, so every event after that position reaches it through the fan-out; batches that arrive
 * while it is registering or replaying are held, and every batch is trimmed against {@link #cursor}
 * (the last seq sent) before it is written. State, cursor and held batches change only under this
 * object's lock, and frames are queued under it, so they leave in cursor order.
 */
final class StreamSession implements ClientFrameGuard.Owner {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSession.class);

  enum State {
    HANDSHAKING,
    AUTHENTICATING,
    REGISTERED,
    REPLAYING,
    LIVE,
    CLOSED
  }

  private final String id;
  private final StreamNode node;
  private final SessionWriter writer;
  private final EventLoop loop;
  private final HttpRequest<?> request;
  private final String transportToken;
  private final boolean compressed;
  private final long openedAtNanos = System.nanoTime();

  private State state = State.HANDSHAKING;
  private Principal principal;
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
  private ScheduledFuture<?> expiryTimer;
  private ScheduledFuture<?> pingTimer;
  private Admission.Slot slot;
  private String closedWith = "peer";

  StreamSession(
      String id,
      StreamNode node,
      SessionWriter writer,
      EventLoop loop,
      HttpRequest<?> request,
      String transportToken,
      boolean compressed) {
    this.id = id;
    this.node = node;
    this.writer = writer;
    this.loop = loop;
    this.request = request;
    this.transportToken = transportToken;
    this.compressed = compressed;
    loop.schedule(
        this::handshakeDeadline, node.config.handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  String orgId() {
    return principal.orgId();
  }

  Filter filter() {
    return filter;
  }

  boolean compressed() {
    return compressed;
  }

  synchronized State state() {
    return state;
  }

  /**
   * A whole text message from the client, already bounded and checked by {@link ClientFrameGuard};
   * runs on the event loop.
   */
  void onText(String text) {
    State now = state();
    try {
      if (now == State.HANDSHAKING) {
        handshake(Handshake.parse(text));
      } else if (now == State.LIVE || now == State.REPLAYING) {
        clientMessage(text);
      }
    } catch (StreamRefusal r) {
      refuse(r);
    }
  }

  private void handshake(Handshake h) {
    synchronized (this) {
      state = State.AUTHENTICATING;
    }
    String token = h.token() != null ? h.token() : transportToken;
    verifyThen(token, "token is missing, invalid or expired", p -> register(h, p));
  }

  /**
   * Verifies a token off the event loop; refuses with 4001 when it is not valid, else runs {@code
   * then} (whose {@link StreamRefusal} also ends the session).
   */
  private void verifyThen(String token, String failure, Consumer<Principal> then) {
    node.verifier
        .verify(token, request)
        .whenComplete(
            (p, error) -> {
              if (error != null) {
                refuse(new StreamRefusal(CloseCode.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, failure));
                return;
              }
              try {
                then.accept(p);
              } catch (StreamRefusal r) {
                refuse(r);
              }
            });
  }

  private void register(Handshake h, Principal p) {
    if (!p.maySubscribe()) {
      throw new StreamRefusal(
          CloseCode.FORBIDDEN, ErrorCode.FORBIDDEN, "publisher tokens cannot subscribe");
    }
    Filter f = Filter.of(h.services(), p, h.propertyId());
    synchronized (this) {
      if (state != State.AUTHENTICATING) {
        return;
      }
      slot = node.authenticated(writer.channel(), p);
      if (slot == null) {
        throw StreamRefusal.tooManyConnections(
            "too many open connections for this user or org", node.retryHintMillis(1_000, 10_000));
      }
      principal = p;
      filter = f;
      shard = node.fanOut.shardOf(p.orgId());
      state = State.REGISTERED;
      node.hub.add(this);
    }
    scheduleExpiry();
    node.handshakes.execute(() -> start(h));
  }

  /**
   * Reads the log position, acks, then goes live or queues the replay. Runs on a blocking thread.
   * Replays run on their own pool, so when many clients resume together every one is acked at once
   * instead of waiting for the replays queued before it.
   */
  private void start(Handshake h) {
    onLog(
        () -> {
          LogPosition pos = node.log.position();
          long readAt = System.nanoTime();
          boolean resume = h.resumes() && pos.canResumeAfter(h.lastSeq(), h.epoch());
          boolean replay;
          synchronized (this) {
            if (state != State.REGISTERED) {
              return;
            }
            recovered = resume;
            cursor = resume ? h.lastSeq() : pos.lastSeq();
            if (!writer.sendText(
                Frames.ack(cursor, pos.epoch(), resume, id, node.config.heartbeat.toMillis()))) {
              slowConsumer();
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
          LOG.info(
              "stream.open session={} org={} user={} services={} property={} lastSeq={}"
                  + " recovered={}",
              id,
              principal.orgId(),
              principal.userId(),
              serviceNames(),
              h.propertyId(),
              h.lastSeq(),
              resume);
          if (replay) {
            node.replays.execute(
                () ->
                    onLog(
                        () ->
                            SessionReplay.run(this, node.replayPages, node.config, node.metrics)));
          }
        });
  }

  /** Runs a step that reads the log; a failure closes the session with a code to retry on. */
  private void onLog(Runnable step) {
    try {
      step.run();
    } catch (LogUnavailableException | IllegalStateException e) {
      // IllegalStateException: jnats' way of saying the connection is closed or reconnecting.
      LOG.warn("session {}: event log unavailable: {}", id, e.toString());
      refuse(
          new StreamRefusal(
              CloseCode.TRY_AGAIN_LATER,
              ErrorCode.LOG_UNAVAILABLE,
              "event log unavailable; retry"));
    } catch (RuntimeException e) {
      LOG.error("session {}: replay failed", id, e);
      refuse(
          new StreamRefusal(
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
    if (!writer.sendEvents(frame, events, 0)) {
      slowConsumer();
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

  SessionWriter writer() {
    return writer;
  }

  /** Encodes (and compresses, if negotiated) a frame for this session alone: a trimmed batch. */
  private ByteBuf encodeForThisSession(List<EventEnvelope> events, int from, int to) {
    ByteBuf plain = Frames.events(events, from, to);
    if (!compressed) {
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
    if (heldBytes + size > node.config.maxQueuedBytes) {
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
      frame = (compressed ? b.deflated() : b.frame()).retainedDuplicate();
      count = b.events().size();
    } else {
      var fresh = b.events().stream().filter(e -> e.seq() > cursor).toList();
      frame = encodeForThisSession(fresh, 0, fresh.size());
      count = fresh.size();
    }
    cursor = b.lastSeq();
    if (!writer.sendEvents(frame, count, b.appendedAtMicros())) {
      slowConsumer();
      return false;
    }
    delivered += count;
    node.metrics.deliveredTo(b.events().get(0).service(), count, compressed);
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
    long every = node.config.heartbeat.toMillis();
    pingTimer = loop.scheduleAtFixedRate(this::ping, every, every, TimeUnit.MILLISECONDS);
  }

  private synchronized void ping() {
    if (state == State.LIVE) {
      cursor = Math.max(cursor, shard.processedSeq());
      sendControl(Frames.ping(cursor));
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
      sendControl(
          Frames.error(
              ErrorCode.UNKNOWN_MESSAGE, "message is not a JSON object of the documented shape"));
    } else if ("refresh".equals(m.type())) {
      refresh(m.token());
    } else {
      sendControl(Frames.error(ErrorCode.UNKNOWN_MESSAGE, "unknown message type"));
    }
  }

  /** Queues a control message; a client too far behind to take it is cut as a slow consumer. */
  private void sendControl(String text) {
    if (!writer.sendText(text)) {
      slowConsumer();
    }
  }

  /** {@link ClientFrameGuard} refused a frame; 4430 carries a retry hint like other retryables. */
  @Override
  public void violated(CloseCode code, String reason) {
    node.metrics.error();
    end(code, code == CloseCode.TOO_MANY_MESSAGES ? node.retryHint(5_000, 15_000) : reason, true);
  }

  /** A ping from the client: answered through the bounded writer, never past its bound. */
  @Override
  public void pinged(ByteBuf payload) {
    if (!writer.sendPong(payload)) {
      slowConsumer();
    }
  }

  /** Swaps in a fresh token: same org, and rights still covering the current filter. */
  private void refresh(String token) {
    verifyThen(token, "refresh token is invalid or expired", this::refreshed);
  }

  private void refreshed(Principal p) {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      boolean sameOrg = p.orgId().equals(principal.orgId()) && p.maySubscribe();
      boolean covers =
          p.seesAllProperties()
              || (filter.properties() != null
                  && filter.properties().stream().allMatch(p::maySeeProperty));
      if (!sameOrg || !covers) {
        throw new StreamRefusal(
            CloseCode.FORBIDDEN, ErrorCode.FORBIDDEN, "refreshed token does not cover this stream");
      }
      principal = p;
      sendControl(Frames.refreshed(p.expiresAt()));
    }
    scheduleExpiry();
  }

  private void scheduleExpiry() {
    Instant exp;
    synchronized (this) {
      exp = principal.expiresAt();
      if (expiryTimer != null) {
        expiryTimer.cancel(false);
      }
      if (exp == null || state == State.CLOSED) {
        return;
      }
      long delay = Duration.between(Instant.now(), exp.plus(node.config.expiryGrace)).toMillis();
      expiryTimer = loop.schedule(this::expired, Math.max(0, delay), TimeUnit.MILLISECONDS);
    }
  }

  private void expired() {
    Instant exp;
    synchronized (this) {
      exp = principal.expiresAt();
    }
    if (exp != null && Instant.now().isAfter(exp)) {
      refuse(
          new StreamRefusal(
              CloseCode.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, "token expired; refresh before exp"));
    }
  }

  private void handshakeDeadline() {
    if (state() == State.HANDSHAKING) {
      refuse(
          new StreamRefusal(
              CloseCode.HANDSHAKE_TIMEOUT,
              ErrorCode.BAD_HANDSHAKE,
              "no handshake within " + node.config.handshakeTimeout.toSeconds() + " s"));
    }
  }

  void slowConsumer() {
    node.metrics.slowConsumer();
    close(CloseCode.SLOW_CONSUMER, node.retryHint(250, 2_000));
  }

  void refuse(StreamRefusal r) {
    node.metrics.error();
    // If even the error frame does not fit, the close frame still tells the client why.
    writer.sendText(Frames.error(r.error, r.getMessage()));
    close(r.close, r.closeReason());
  }

  /** Ends the session with {@code code}; the close frame follows everything already queued. */
  void close(CloseCode code, String reason) {
    end(code, reason, false);
  }

  /** {@code clientSending}: the client may still be sending (see {@link SessionWriter}). */
  private void end(CloseCode code, String reason, boolean clientSending) {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      closedWith = Integer.toString(code.code());
      state = State.CLOSED;
      releaseHeld();
      cancelTimers();
    }
    node.hub.remove(this);
    if (clientSending) {
      writer.closeWhileClientSends(code.code(), reason, node.config.closeGrace);
    } else {
      writer.close(code.code(), reason, node.config.closeGrace);
    }
  }

  /** The socket is gone (either side closed it); runs on the event loop. */
  void onClosed() {
    Admission.Slot held;
    synchronized (this) {
      state = State.CLOSED;
      releaseHeld();
      cancelTimers();
      held = slot;
    }
    if (held != null) {
      held.release();
    }
    node.hub.remove(this);
    node.connectionClosed(this);
    if (principal != null) {
      LOG.info(
          "stream.close session={} org={} user={} services={} durationMs={} delivered={} replayed={} recovered={} code={}",
          id,
          principal.orgId(),
          principal.userId(),
          serviceNames(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAtNanos),
          delivered,
          replayed,
          recovered,
          closedWith);
    }
  }

  private void cancelTimers() {
    if (pingTimer != null) {
      pingTimer.cancel(false);
    }
    if (expiryTimer != null) {
      expiryTimer.cancel(false);
    }
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
