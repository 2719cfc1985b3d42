package io.bellhop.events.stream;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.log.InMemoryEventLog;
import io.bellhop.platform.FixedTokenVerifier;
import io.bellhop.platform.Roles;
import io.bellhop.realtime.EmbeddedSockets;
import io.bellhop.realtime.RealtimeSocket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.security.authentication.Authentication;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a fan-out thread spends routing one drained batch of {@code events} events of one org to
 * {@code sessions} live sessions of that org, spread over four filter groups: {@code FanOut.route}
 * itself — group by org, match each group's filter, cut runs, encode once per group (and deflate
 * once per group when the sockets negotiated permessage-deflate), then {@code
 * StreamSession.deliver} and {@code RealtimeSocket.sendFrame} for every session. Every event of a
 * node passes through this path once, so its cost per batch bounds the node's delivery rate.
 *
 * <p>Sessions are real: opened through the realtime kernel ({@code EmbeddedSockets}) on Netty
 * {@link EmbeddedChannel}s and taken live through the real handshake. The write that {@code
 * sendFrame} posts to each channel's event loop runs outside the measurement, in the per-invocation
 * setup, as it runs on the event loops and not on the fan-out thread in production.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(1)
@State(Scope.Thread)
public class FanOutRouteBenchmark {

  /**
   * Handshakes of the four filter groups, assigned round-robin: everything (org admin); three
   * services narrowed to the token's properties 7 and 8; finance of property 7; finance and guest
   * of property 8. With events cycling org-wide/7/8/9 they receive 100 %, 75 %, 50 %, 50 %.
   */
  private static final String[] HANDSHAKES = {
    "{\"token\":\"admin\",\"version\":1}",
    "{\"token\":\"staff\",\"services\":[\"finance\",\"guest\",\"staff\"],\"version\":1}",
    "{\"token\":\"staff\",\"services\":[\"finance\"],\"filters\":{\"propertyId\":\"7\"},"
        + "\"version\":1}",
    "{\"token\":\"staff\",\"services\":[\"finance\",\"guest\"],\"filters\":{\"propertyId\":\"8\"},"
        + "\"version\":1}",
  };

  /** Events in the batch, all of one org and one service: one frame per filter group. */
  @Param({"1", "100"})
  public int events;

  /** Live sessions of the org on this node. */
  @Param({"100", "1000"})
  public int sessions;

  /** Whether the sockets negotiated permessage-deflate (frames compressed once per group). */
  @Param({"false", "true"})
  public boolean deflate;

  private StreamNode node;
  private FanOut fanOut;
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final List<StreamSession> opened = new ArrayList<>();
  private List<EventEnvelope> templates;
  private List<FanOut.Routed> batch;
  private long nextSeq = 1;

  @Setup(Level.Trial)
  public void open() throws InterruptedException {
    var config = new StreamConfig();
    config.fanOutShards = 1;
    config.heartbeat = Duration.ofHours(1);
    config.handshakeTimeout = Duration.ofHours(1);
    var tokens =
        Map.of(
            "admin",
            Authentication.build(
                "u-admin", List.of(Roles.ORG_ADMIN), Map.of("orgId", BenchEvents.ORG)),
            "staff",
            Authentication.build(
                "u-staff",
                List.of(Roles.STAFF),
                Map.of("orgId", BenchEvents.ORG, "propertyIds", List.of("7", "8"))));
    var sockets = EmbeddedSockets.uncapped(FixedTokenVerifier.of(tokens));
    node =
        new StreamNode(
            new InMemoryEventLog(),
            config,
            new StreamMetrics(new SimpleMeterRegistry()),
            sockets.node());
    fanOut = node.fanOut;
    for (int i = 0; i < sessions; i++) {
      EmbeddedChannel channel =
          deflate ? EmbeddedSockets.channel(permessageDeflateEncoder()) : EmbeddedSockets.channel();
      channels.add(channel);
      var session = new AtomicReference<StreamSession>();
      RealtimeSocket socket =
          sockets.open(
              channel,
              node.socketSpec(StreamEndpoint.MAX_CLIENT_FRAME),
              s -> {
                session.set(node.newSession(s));
                return session.get();
              });
      EmbeddedSockets.text(socket, HANDSHAKES[i % HANDSHAKES.length]);
      opened.add(session.get());
    }
    awaitLive(Duration.ofSeconds(60));
    int groups = node.hub.groups(BenchEvents.ORG).size();
    if (groups != Math.min(sessions, HANDSHAKES.length)) {
      throw new IllegalStateException("expected 4 filter groups, got " + groups);
    }
    drain(); // the acks
    templates = BenchEvents.run(events);
  }

  /** Writes what the last invocation queued on each channel, then prepares a batch of new seqs. */
  @Setup(Level.Invocation)
  public void nextBatch() {
    drain();
    Instant now = Instant.now();
    long appendedAtMicros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    batch = new ArrayList<>(events);
    for (EventEnvelope t : templates) {
      batch.add(new FanOut.Routed(t.withSeq(nextSeq++), appendedAtMicros));
    }
  }

  @Benchmark
  public void route() {
    fanOut.route(batch);
  }

  @TearDown(Level.Trial)
  public void close() {
    drain();
    for (StreamSession s : opened) {
      if (s.state() != StreamSession.State.LIVE) {
        throw new IllegalStateException("a session left LIVE (" + s.state() + "): run invalid");
      }
    }
    node.stop();
    for (EmbeddedChannel c : channels) {
      c.finishAndReleaseAll();
    }
  }

  /**
   * Runs each channel's queued writes (what its event loop would do) and releases what reached the
   * wire; returns the number of frames written.
   */
  int drain() {
    int frames = 0;
    for (EmbeddedChannel c : channels) {
      c.runPendingTasks();
      frames += c.outboundMessages().size();
      c.releaseOutbound();
    }
    return frames;
  }

  private void awaitLive(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (StreamSession s : opened) {
      while (s.state() != StreamSession.State.LIVE) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("session not live: " + s.state());
        }
        Thread.sleep(1);
      }
    }
  }

  /** Netty's own encoder, which is what {@code Deflate.negotiated} looks for in the pipeline. */
  private static ChannelHandler permessageDeflateEncoder() {
    return new PerMessageDeflateServerExtensionHandshaker(6)
        .handshakeExtension(new WebSocketExtensionData("permessage-deflate", Map.of()))
        .newExtensionEncoder();
  }
}
