package io.bellhop.events.stream;

import io.bellhop.events.EventLog;
import io.bellhop.events.Tail;
import io.bellhop.events.replay.ReplayPages;
import io.bellhop.platform.Principal;
import io.bellhop.realtime.ConnectionSlot;
import io.bellhop.realtime.RealtimeSocket;
import io.bellhop.realtime.RealtimeSockets;
import io.bellhop.realtime.SocketSpec;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This node's side of the unified stream: opens the one live feed of the log, owns the hub, fan-out
 * and the threads that may block (log reads). Sockets are admitted, authenticated, bounded and
 * drained by the realtime kernel ({@link RealtimeSockets}); this class makes their sessions.
 */
@Context
public class StreamNode {
  /** The stream's tag in the kernel's metrics and the prefix of its log lines. */
  public static final String ENDPOINT = "stream";

  final EventLog log;
  final StreamConfig config;
  final StreamMetrics metrics;
  final RealtimeSockets sockets;
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

  /** Replays: long, back-pressured by the client's socket. */
  final ExecutorService replays;

  private final Tail tail;
  private final ExecutorService fallbackPool;
  private final StreamSession.Collaborators collaborators;

  StreamNode(EventLog log, StreamConfig config, StreamMetrics metrics, RealtimeSockets sockets) {
    this.log = log;
    this.config = config;
    this.metrics = metrics;
    this.sockets = sockets;
    this.fanOut = new FanOut(hub, signals, config.fanOutShards, config.maxBatchEvents);
    this.replayPages = new ReplayPages(log, config.replayPageSize, config.maxBatchEvents);
    this.handshakes = daemonPool("bellhop-handshake-", config.handshakeThreads);
    this.fallbackPool = daemonPool("bellhop-fallback-", config.fallbackThreads);
    this.fallbacks = new OrgLanes(fallbackPool, config.fallbackThreadsPerOrg);
    this.replays = daemonPool("bellhop-replay-", config.replayThreads);
    this.collaborators =
        new StreamSession.Collaborators(
            hub, fanOut, handshakes, replays, replayPages, log::position, config, metrics);
    this.tail = log.tail(fanOut);
  }

  public StreamMetrics metrics() {
    return metrics;
  }

  public RealtimeSockets sockets() {
    return sockets;
  }

  /**
   * A place under the per-user and per-org caps for an SSE feed or a waiting long-poll, counted as
   * an open connection in the metrics until it is released.
   *
   * @throws io.bellhop.realtime.Refusal (429 with a retry hint) when over a cap
   */
  public ConnectionSlot admitFallback(Principal p, StreamMetrics.Fallback transport) {
    return metrics.counted(transport, sockets.admit(p, transport.tag()));
  }

  public OrgLanes fallbacks() {
    return fallbacks;
  }

  public OrgSignals signals() {
    return signals;
  }

  public EventLog log() {
    return log;
  }

  public StreamConfig config() {
    return config;
  }

  StreamSession newSession(RealtimeSocket socket) {
    return new StreamSession(socket, collaborators);
  }

  /** What the stream asks of the kernel for each socket. */
  SocketSpec socketSpec(int maxMessageBytes) {
    return new SocketSpec(
        ENDPOINT,
        maxMessageBytes,
        config.maxQueuedBytes,
        config.handshakeTimeout,
        config.closeGrace,
        config.expiryGrace,
        config.clientFramesPerSecond,
        config.clientFrameBurst);
  }

  int activeConnections() {
    return sockets.stats(ENDPOINT).open();
  }

  public long subscriptions() {
    long n = 0;
    for (StreamSession s : hub.sessions()) {
      n += s.subscriptions();
    }
    return n;
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
