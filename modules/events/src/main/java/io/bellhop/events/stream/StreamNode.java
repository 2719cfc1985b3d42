package io.bellhop.events.stream;

import io.bellhop.events.EventLog;
import io.bellhop.events.Tail;
import io.bellhop.platform.CloseCode;
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

  /** Handshakes, SSE and poll reads: short log reads that must not wait behind replays. */
  final ExecutorService blocking;

  /** Replays: long, back-pressured by the client's socket. */
  final ExecutorService replays;

  private final Tail tail;
  private final Set<StreamSession> connections = ConcurrentHashMap.newKeySet();
  private final AtomicLong acceptWindow = new AtomicLong();
  private final AtomicInteger acceptedInWindow = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile boolean draining;

  StreamNode(EventLog log, TokenVerifier verifier, StreamConfig config, StreamMetrics metrics) {
    this.log = log;
    this.verifier = verifier;
    this.config = config;
    this.metrics = metrics;
    this.fanOut = new FanOut(hub, signals, config.fanOutShards, config.maxBatchEvents);
    this.replayPages = new ReplayPages(log, config.replayPageSize, config.maxBatchEvents);
    this.blocking = daemonPool("bellhop-log-", config.replayThreads);
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
    return "{\"retryMs\":" + retryHintMillis(minMs, maxMs) + "}";
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
    blocking.shutdownNow();
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
