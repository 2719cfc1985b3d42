package io.bellhop.events.stream;

import io.bellhop.events.EventLog;
import io.bellhop.events.Tail;
import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ConnectionGuard;
import io.bellhop.platform.Principal;
import io.bellhop.platform.TokenVerifier;
import io.micronaut.context.annotation.Context;
import io.micronaut.http.HttpRequest;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import io.netty.channel.Channel;
import jakarta.annotation.PreDestroy;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of the unified stream: opens the one live feed of the log, owns the hub, fan-out
 * and the threads that may block (log reads), admits connections and drains them on shutdown.
 */
@Context
class StreamNode implements GracefulShutdownCapable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamNode.class);

  final EventLog log;
  final TokenVerifier verifier;
  final StreamConfig config;
  final StreamMetrics metrics;
  final Hub hub = new Hub();
  final OrgSignals signals = new OrgSignals();
  final FanOut fanOut;
  final ReplayPages replayPages;

  /**
   * Socket handshakes (one read of the log position each): a pool of their own, so an ack never
   * waits behind replays or behind any org's fallback clients.
   */
  final ExecutorService handshakes;

  /** SSE and long-poll log reads, at most a few threads per org at once (see {@link OrgLanes}). */
  final OrgLanes fallbacks;

  /** Per-user and per-org caps shared by sockets, SSE streams and polls. */
  final Admission admission;

  final ConnectionGuard guard;

  /** Replays: long, back-pressured by the client's socket. */
  final ExecutorService replays;

  private final Tail tail;
  private final ExecutorService fallbackPool;

  private final Set<StreamSession> connections = ConcurrentHashMap.newKeySet();

  private final AtomicLong acceptWindow = new AtomicLong();
  private final AtomicInteger acceptedInWindow = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean draining;

  StreamNode(
      EventLog log,
      TokenVerifier verifier,
      StreamConfig config,
      StreamMetrics metrics,
      ConnectionGuard guard) {
    this.log = log;
    this.guard = guard;
    this.verifier = verifier;
    this.config = config;
    this.metrics = metrics;
    this.fanOut = new FanOut(hub, signals, config.fanOutShards, config.maxBatchEvents);
    this.replayPages = new ReplayPages(log, config.replayPageSize, config.maxBatchEvents);
    this.handshakes = daemonPool("bellhop-handshake-", config.handshakeThreads);
    this.fallbackPool = daemonPool("bellhop-fallback-", config.fallbackThreads);
    this.fallbacks = new OrgLanes(fallbackPool, config.fallbackThreadsPerOrg);
    this.admission = new Admission(config.maxConnectionsPerUser, config.maxConnectionsPerOrg);
    this.replays = daemonPool("bellhop-replay-", config.replayThreads);
    this.tail = log.tail(fanOut);
  }

  /** Admits a new socket, or closes it at once with 1012 (draining) or 4429 (over a limit). */
  StreamSession open(Channel channel, HttpRequest<?> request, String transportToken) {
    boolean compressed = Deflate.negotiated(channel);
    var writer = new SessionWriter(channel, config.maxQueuedBytes, metrics, compressed);
    var session =
        new StreamSession(
            Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36),
            this,
            writer,
            channel.eventLoop(),
            request,
            transportToken,
            compressed);
    metrics.connected();
    if (draining) {
      session.close(CloseCode.SERVER_RESTART, retryHint(500, 5_000));
    } else if (connections.size() >= config.maxConnections || !admitNow()) {
      metrics.error();
      session.close(CloseCode.TOO_MANY_CONNECTIONS, retryHint(1_000, 10_000));
    } else {
      connections.add(session);
    }
    return session;
  }

  /**
   * A socket's token is verified: the connection leaves the unauthenticated caps and takes a place
   * under its user's and org's caps. Null when over one of those (the caller closes with 4429).
   */
  Admission.Slot authenticated(Channel channel, Principal p) {
    guard.authenticated(channel);
    Admission.Result r = admission.admit(p);
    if (r.slot() == null) {
      metrics.refused(r.refusedBy(), "websocket");
    }
    return r.slot();
  }

  void connectionClosed(StreamSession session) {
    connections.remove(session);
    if (draining && connections.isEmpty()) {
      drained.complete(null);
    }
  }

  int activeConnections() {
    return connections.size();
  }

  long subscriptions() {
    long n = 0;
    for (StreamSession s : hub.sessions()) {
      n += s.subscriptions();
    }
    return n;
  }

  /** A close reason telling the client when to come back, spread to avoid a reconnect storm. */
  String retryHint(long minMs, long maxMs) {
    return retryReason(retryHintMillis(minMs, maxMs));
  }

  /** The close reason that carries a retry hint: {@code {"retryMs":2317}}. */
  static String retryReason(long retryMs) {
    return "{\"retryMs\":" + retryMs + "}";
  }

  long retryHintMillis(long minMs, long maxMs) {
    return ThreadLocalRandom.current().nextLong(minMs, maxMs + 1);
  }

  private boolean admitNow() {
    long second = System.nanoTime() / 1_000_000_000L;
    if (acceptWindow.getAndSet(second) != second) {
      acceptedInWindow.set(0);
    }
    return acceptedInWindow.incrementAndGet() <= config.acceptPerSecond;
  }

  /** SIGTERM: refuse new sockets, close every session with 1012 and a retry hint, then return. */
  @Override
  public CompletionStage<?> shutdownGracefully() {
    draining = true;
    LOG.info("draining {} stream connections", connections.size());
    for (StreamSession s : connections) {
      s.close(CloseCode.SERVER_RESTART, retryHint(500, 5_000));
    }
    if (connections.isEmpty()) {
      drained.complete(null);
    }
    return drained.completeOnTimeout(null, config.drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public OptionalLong reportActiveTasks() {
    return OptionalLong.of(connections.size());
  }

  @PreDestroy
  void stop() {
    tail.close();
    fanOut.close();
    handshakes.shutdownNow();
    fallbackPool.shutdownNow();
    replays.shutdownNow();
  }

  private static ExecutorService daemonPool(String prefix, int size) {
    var threads = new AtomicInteger();
    return Executors.newFixedThreadPool(
        size,
        r -> {
          Thread t = new Thread(r, prefix + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
