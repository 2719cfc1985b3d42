package io.bellhop.realtime;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.platform.WireCloseCode;
import io.bellhop.platform.WireErrorCode;
import io.micronaut.http.HttpRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's side of one socket: AWAITING_TOKEN → AUTHENTICATING → OPEN → ENDED. It authenticates
 * the socket (token from the module's handshake, else from the upgrade), holds its place under the
 * caps, closes it when its token expires, and is the only way the module writes to it: every frame
 * goes through the bounded {@link SocketWriter}, and a client that does not keep up is cut with
 * 4509 and a retry hint.
 *
 * <p>Locking: the kernel's state changes under this object's lock, which is never held while a
 * {@link SocketHandler} method runs, so a module may call in here while holding its own lock.
 */
public final class RealtimeSocket implements ClientFrameGuard.Owner {
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeSocket.class);

  private enum Phase {
    AWAITING_TOKEN,
    AUTHENTICATING,
    OPEN,
    ENDED
  }

  final RealtimeMetrics.Endpoint endpoint;
  private final String id;
  private final RealtimeSockets node;
  private final SocketSpec spec;
  private final Channel channel;
  private final SocketWriter writer;
  private final HttpRequest<?> request;
  private final String transportToken;
  private final boolean compressed;
  private final long openedAtNanos = System.nanoTime();
  private SocketHandler handler;

  private Phase phase = Phase.AWAITING_TOKEN;
  private Principal principal;
  private ConnectionSlot slot;
  private ScheduledFuture<?> expiryTimer;
  private String closedWith = "peer";

  RealtimeSocket(
      String id,
      RealtimeSockets node,
      SocketSpec spec,
      Channel channel,
      HttpRequest<?> request,
      String transportToken) {
    this.id = id;
    this.node = node;
    this.spec = spec;
    this.channel = channel;
    this.request = request;
    this.transportToken = transportToken;
    this.compressed = Deflate.negotiated(channel);
    this.endpoint = node.metrics.endpoint(spec.name());
    this.writer =
        new SocketWriter(
            channel,
            spec.maxQueuedBytes(),
            compressed,
            (events, appendedAtMicros) -> handler.written(events, appendedAtMicros));
    channel
        .eventLoop()
        .schedule(
            this::handshakeDeadline, spec.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  void attach(SocketHandler handler) {
    this.handler = handler;
  }

  /** This socket's id, in its log lines and in whatever the module acks with. */
  public String id() {
    return id;
  }

  /** Whether the socket negotiated permessage-deflate: frames given here must be compressed. */
  public boolean compressed() {
    return compressed;
  }

  /** The socket's event loop, for the module's timers. */
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /** The verified principal, null until {@link #authenticate} succeeded. */
  public synchronized Principal principal() {
    return principal;
  }

  Channel channel() {
    return channel;
  }

  /**
   * Verifies the token off the event loop: {@code handshakeToken}, or when null the one presented
   * with the upgrade. Refuses with 4001 when it is missing or invalid, 4429 when the user or org is
   * over its cap; else runs {@code then} with the principal (a {@link Refusal} it throws ends the
   * socket). From then on the socket is closed with 4001 once its token expires, unless refreshed.
   * Only the first call counts.
   */
  public void authenticate(String handshakeToken, Consumer<Principal> then) {
    synchronized (this) {
      if (phase != Phase.AWAITING_TOKEN) {
        return;
      }
      phase = Phase.AUTHENTICATING;
    }
    String token = handshakeToken != null ? handshakeToken : transportToken;
    verifyThen(
        token,
        "token is missing, invalid or expired",
        p -> {
          synchronized (this) {
            if (phase != Phase.AUTHENTICATING) {
              return;
            }
            slot = node.authenticated(this, p);
            principal = p;
            phase = Phase.OPEN;
          }
          scheduleExpiry();
          then.accept(p);
        });
  }

  /**
   * Swaps in a fresh token: it must be valid, of the same org, and pass {@code covers} (which
   * throws a {@link Refusal} when the new rights no longer cover what the socket does). Answers
   * {@code {"type":"refreshed","expiresAt":...}} and moves the expiry; any failure ends the socket.
   */
  public void reauthenticate(String token, Consumer<Principal> covers) {
    verifyThen(
        token,
        "refresh token is invalid or expired",
        p -> {
          covers.accept(p);
          synchronized (this) {
            if (phase != Phase.OPEN) {
              return;
            }
            if (!p.orgId().equals(principal.orgId())) {
              throw new Refusal(
                  CloseCode.FORBIDDEN,
                  ErrorCode.FORBIDDEN,
                  "refreshed token does not cover this connection");
            }
            principal = p;
          }
          sendText(refreshedFrame(p.expiresAt()));
          scheduleExpiry();
        });
  }

  private void verifyThen(String token, String failure, Consumer<Principal> then) {
    node.verifier
        .verify(token, request)
        .whenComplete(
            (p, error) -> {
              if (error != null) {
                refuse(new Refusal(CloseCode.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, failure));
                return;
              }
              try {
                then.accept(p);
              } catch (Refusal r) {
                refuse(r);
              }
            });
  }

  /**
   * Queues a text message (JSON, as the module's protocol says). Returns false when the client is
   * too far behind to take it; the socket is then cut as a slow consumer. Dropped once closing.
   */
  public boolean sendText(String text) {
    if (writer.sendText(text)) {
      return true;
    }
    slowConsumer();
    return false;
  }

  /**
   * Queues a frame of {@code events} events, taking ownership of {@code payload} — already
   * compressed if {@link #compressed()}, so one compression serves every socket it goes to. Returns
   * false (releasing it) once closing, or when it does not fit under the bound, which cuts the
   * socket as a slow consumer.
   *
   * @param appendedAtMicros when the log accepted the events, for latency; 0 for a replay
   */
  public boolean sendFrame(ByteBuf payload, int events, long appendedAtMicros) {
    if (writer.sendEvents(payload, events, appendedAtMicros)) {
      return true;
    }
    if (!writer.isClosing()) {
      slowConsumer();
    }
    return false;
  }

  /**
   * Blocks (never call it on an event loop) until {@code size} more bytes fit under the bound: the
   * back-pressure of a replay. False once closing, or — cutting the socket as a slow consumer — if
   * the client read nothing for {@code spec.closeGrace()}.
   */
  public boolean awaitRoomFor(int size) {
    if (writer.awaitRoomFor(size, spec.closeGrace())) {
      return true;
    }
    if (!writer.isClosing()) {
      slowConsumer();
    }
    return false;
  }

  /**
   * Queues an error frame that does not end the socket, e.g. for a client message the module does
   * not understand. {@code message} is the server's: never echo the client's input.
   */
  public boolean sendError(WireErrorCode code, String message) {
    return sendText(ErrorBody.of(code, message).toFrame());
  }

  /** Sends {@code refusal}'s error frame, then closes with its code (and retry hint, if any). */
  public void refuse(Refusal refusal) {
    refuse(refusal, ErrorBody.of(refusal.error(), refusal.getMessage()).toFrame());
  }

  /**
   * Like {@link #refuse(Refusal)}, with the module's own error frame: the documented {@code
   * {"type":"error","code","message"}} plus fields of its protocol (an upload's durable offset).
   */
  public void refuse(Refusal refusal, String errorFrame) {
    endpoint.errors.increment();
    // If even the error frame does not fit, the close frame still tells the client why.
    writer.sendText(errorFrame);
    close(refusal.close(), refusal.closeReason());
  }

  /**
   * Stops reading the client's input: TCP then pushes back on a client that sends faster than the
   * module can take. For a module whose input is work (an upload's bytes), not a rate to refuse.
   */
  public void pauseReading() {
    channel.config().setAutoRead(false);
  }

  /** Reads the client's input again after {@link #pauseReading()}, unless the socket ended. */
  public void resumeReading() {
    synchronized (this) {
      if (phase == Phase.ENDED) {
        return;
      }
    }
    channel.config().setAutoRead(true);
  }

  /** Ends the socket with {@code code}; the close frame follows everything already queued. */
  public void close(WireCloseCode code, String reason) {
    end(code, reason, false);
  }

  /** Cuts a client that did not keep up: 4509, with a hint to come back soon and resume. */
  public void slowConsumer() {
    endpoint.slowConsumers.increment();
    // A client that does not read may well still be sending (a flood that makes the server
    // answer): closed outright with its input unread, the socket would be reset and the client
    // would lose the close frame that says to come back.
    end(CloseCode.SLOW_CONSUMER, RetryHint.reason(250, 2_000), true);
  }

  /** Logs {@code <name>.open} with the socket's identity and the module's {@code fields}. */
  public void logOpen(String fields) {
    Principal p = principal();
    LOG.info(
        "{}.open session={} org={} user={} {}",
        spec.name(),
        id,
        p == null ? null : p.orgId(),
        p == null ? null : p.userId(),
        fields);
  }

  void onText(String text) {
    try {
      handler.onText(text);
    } catch (Refusal r) {
      refuse(r);
    }
  }

  @Override
  public void binary(ByteBuf bytes) {
    try {
      handler.onBinary(bytes);
    } catch (Refusal r) {
      refuse(r);
    }
  }

  /** {@link ClientFrameGuard} refused a frame; 4430 carries a retry hint like other retryables. */
  @Override
  public void violated(CloseCode code, String reason) {
    endpoint.errors.increment();
    end(code, code == CloseCode.TOO_MANY_MESSAGES ? RetryHint.reason(5_000, 15_000) : reason, true);
  }

  /** A ping from the client: answered through the bounded writer, never past its bound. */
  @Override
  public void pinged(ByteBuf payload) {
    if (!writer.sendPong(payload)) {
      slowConsumer();
    }
  }

  /** {@code clientSending}: the client may still be sending (see {@link SocketWriter}). */
  private void end(WireCloseCode code, String reason, boolean clientSending) {
    synchronized (this) {
      if (phase == Phase.ENDED) {
        return;
      }
      phase = Phase.ENDED;
      closedWith = Integer.toString(code.code());
      cancelExpiry();
    }
    handler.ended();
    if (clientSending) {
      writer.closeWhileClientSends(code.code(), reason, spec.closeGrace());
    } else {
      writer.close(code.code(), reason, spec.closeGrace());
    }
  }

  /** The socket is gone (either side closed it); runs on the event loop. */
  void onClosed() {
    boolean endedBefore;
    ConnectionSlot held;
    Principal p;
    synchronized (this) {
      endedBefore = phase == Phase.ENDED;
      phase = Phase.ENDED;
      cancelExpiry();
      held = slot;
      slot = null;
      p = principal;
    }
    if (!endedBefore) {
      handler.ended();
    }
    if (held != null) {
      held.release();
    }
    node.closed(this);
    if (p != null) {
      LOG.info(
          "{}.close session={} org={} user={} durationMs={} {} code={}",
          spec.name(),
          id,
          p.orgId(),
          p.userId(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAtNanos),
          handler.closeLogFields(),
          closedWith);
    }
  }

  private static String refreshedFrame(Instant expiresAt) {
    return "{\"type\":\"refreshed\",\"expiresAt\":"
        + (expiresAt == null ? "null" : "\"" + expiresAt + "\"")
        + "}";
  }

  private void scheduleExpiry() {
    synchronized (this) {
      cancelExpiry();
      Instant exp = principal.expiresAt();
      if (exp == null || phase == Phase.ENDED) {
        return;
      }
      long delay = Duration.between(Instant.now(), exp.plus(spec.expiryGrace())).toMillis();
      expiryTimer =
          channel.eventLoop().schedule(this::expired, Math.max(0, delay), TimeUnit.MILLISECONDS);
    }
  }

  private void cancelExpiry() {
    if (expiryTimer != null) {
      expiryTimer.cancel(false);
    }
  }

  private void expired() {
    Instant exp;
    synchronized (this) {
      exp = principal.expiresAt();
    }
    if (exp != null && Instant.now().isAfter(exp)) {
      refuse(
          new Refusal(
              CloseCode.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, "token expired; refresh before exp"));
    }
  }

  private void handshakeDeadline() {
    boolean waiting;
    synchronized (this) {
      waiting = phase == Phase.AWAITING_TOKEN;
    }
    if (waiting) {
      refuse(
          new Refusal(
              CloseCode.HANDSHAKE_TIMEOUT,
              ErrorCode.BAD_HANDSHAKE,
              "no handshake within " + spec.handshakeTimeout().toSeconds() + " s"));
    }
  }
}
