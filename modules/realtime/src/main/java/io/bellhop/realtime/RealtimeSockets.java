package io.bellhop.realtime;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ConnectionGuard;
import io.bellhop.platform.Principal;
import io.bellhop.platform.QueryTokenReader;
import io.bellhop.platform.TokenVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.micronaut.websocket.WebSocketSession;
import io.netty.channel.Channel;
import jakarta.inject.Singleton;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's realtime sockets, of every module: admits them (node cap, accept rate, per-user and
 * per-org caps), authenticates them, bounds what they queue and what they send, and drains them on
 * SIGTERM. A module's {@code @ServerWebSocket} hands each socket here in three calls:
 *
 * <pre>{@code
 * @OnOpen    void open(WebSocketSession ws, HttpRequest<?> r) { sockets.open(ws, r, spec, ChatSocket::new); }
 * @OnMessage void text(String text, WebSocketSession ws)     { sockets.onText(ws, text); }
 * @OnClose   void close(WebSocketSession ws)                 { sockets.onClose(ws); }
 * }</pre>
 */
@Singleton
public final class RealtimeSockets implements GracefulShutdownCapable {
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeSockets.class);
  private static final String ATTRIBUTE = "bellhop.socket";

  final TokenVerifier verifier;
  final RealtimeMetrics metrics;
  private final ConnectionGuard guard;
  private final QueryTokenReader queryTokens;
  private final RealtimeConfig config;
  private final Admission admission;
  private final Set<RealtimeSocket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong acceptWindow = new AtomicLong();
  private final AtomicInteger acceptedInWindow = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean draining;

  RealtimeSockets(
      TokenVerifier verifier,
      ConnectionGuard guard,
      QueryTokenReader queryTokens,
      RealtimeConfig config,
      MeterRegistry registry) {
    this.verifier = verifier;
    this.queryTokens = queryTokens;
    this.guard = guard;
    this.config = config;
    this.metrics = new RealtimeMetrics(registry, guard);
    this.admission = new Admission(config.maxConnectionsPerUser, config.maxConnectionsPerOrg);
  }

  /**
   * Takes over a freshly upgraded socket: guards its input, bounds its output, and gives it {@code
   * spec.handshakeTimeout()} to present a token. Closes it at once with 1012 while draining, or
   * 4429 when over the node cap or accept rate; the handler is told through {@link
   * SocketHandler#ended()}.
   */
  public RealtimeSocket open(
      WebSocketSession ws,
      HttpRequest<?> request,
      SocketSpec spec,
      Function<RealtimeSocket, SocketHandler> handlers) {
    if (!(request instanceof NettyHttpRequest<?> netty)) {
      throw new IllegalStateException("realtime sockets need the Netty HTTP server");
    }
    RealtimeSocket socket =
        open(
            netty.getChannelHandlerContext().channel(),
            request,
            TransportToken.of(request, queryTokens),
            spec,
            handlers);
    ws.put(ATTRIBUTE, socket);
    return socket;
  }

  /** The kernel's part of {@link #open}: a channel whose pipeline decodes WebSocket frames. */
  RealtimeSocket open(
      Channel channel,
      HttpRequest<?> request,
      String transportToken,
      SocketSpec spec,
      Function<RealtimeSocket, SocketHandler> handlers) {
    var socket =
        new RealtimeSocket(
            Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36),
            this,
            spec,
            channel,
            request,
            transportToken);
    socket.attach(handlers.apply(socket));
    ClientFrameGuard.install(
        channel,
        socket,
        spec.maxMessageBytes(),
        spec.maxBinaryBytes(),
        new TokenBucket(spec.framesPerSecond(), spec.frameBurst(), System.nanoTime()),
        spec.closeGrace());
    socket.endpoint.total.increment();
    if (draining) {
      socket.close(CloseCode.SERVER_RESTART, RetryHint.reason(500, 5_000));
    } else if (open.size() >= config.maxConnections || !admitNow()) {
      socket.endpoint.errors.increment();
      socket.close(CloseCode.TOO_MANY_CONNECTIONS, RetryHint.reason(1_000, 10_000));
    } else {
      open.add(socket);
      socket.endpoint.active.incrementAndGet();
    }
    return socket;
  }

  /** A whole text message on a socket opened here. */
  public void onText(WebSocketSession ws, String text) {
    ws.get(ATTRIBUTE, RealtimeSocket.class).ifPresent(s -> s.onText(text));
  }

  /** The socket is gone (either side closed it). */
  public void onClose(WebSocketSession ws) {
    ws.get(ATTRIBUTE, RealtimeSocket.class).ifPresent(RealtimeSocket::onClosed);
  }

  /**
   * A place under the per-user and per-org caps for an HTTP connection (SSE stream, waiting poll)
   * that counts like a socket.
   *
   * @throws Refusal (429 with a retry hint) when over a cap
   */
  public ConnectionSlot admit(Principal p, String transport) {
    Admission.Result r = admission.admit(p);
    if (r.slot() == null) {
      metrics.refused(r.refusedBy(), transport);
      throw Refusal.tooManyConnections(
          "too many open connections for this " + r.refusedBy().tag,
          RetryHint.millis(1_000, 10_000));
    }
    return r.slot();
  }

  /** A socket's token is verified: it leaves the unauthenticated caps for its user's and org's. */
  ConnectionSlot authenticated(RealtimeSocket socket, Principal p) {
    guard.authenticated(socket.channel());
    return admit(p, "websocket");
  }

  void closed(RealtimeSocket socket) {
    if (open.remove(socket)) {
      socket.endpoint.active.decrementAndGet();
    }
    if (draining && open.isEmpty()) {
      drained.complete(null);
    }
  }

  /** Counts of one endpoint's sockets. */
  public SocketStats stats(String endpoint) {
    RealtimeMetrics.Endpoint e = metrics.endpoint(endpoint);
    return new SocketStats(
        e.active.get(), e.total.sum(), e.errors.sum(), e.slowConsumers.sum(), metrics.refusals());
  }

  private boolean admitNow() {
    long second = System.nanoTime() / 1_000_000_000L;
    if (acceptWindow.getAndSet(second) != second) {
      acceptedInWindow.set(0);
    }
    return acceptedInWindow.incrementAndGet() <= config.acceptPerSecond;
  }

  /** SIGTERM: refuse new sockets, close every socket with 1012 and a retry hint, then return. */
  @Override
  public CompletionStage<?> shutdownGracefully() {
    draining = true;
    LOG.info("draining {} realtime sockets", open.size());
    for (RealtimeSocket s : open) {
      s.close(CloseCode.SERVER_RESTART, RetryHint.reason(500, 5_000));
    }
    if (open.isEmpty()) {
      drained.complete(null);
    }
    return drained.completeOnTimeout(null, config.drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public OptionalLong reportActiveTasks() {
    return OptionalLong.of(open.size());
  }
}
