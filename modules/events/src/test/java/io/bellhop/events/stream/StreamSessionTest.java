package io.bellhop.events.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.LogPosition;
import io.bellhop.events.Service;
import io.bellhop.events.log.InMemoryEventLog;
import io.bellhop.events.replay.ReplayPages;
import io.bellhop.platform.FixedTokenVerifier;
import io.bellhop.platform.Roles;
import io.bellhop.realtime.EmbeddedSockets;
import io.bellhop.realtime.RealtimeSocket;
import io.bellhop.realtime.SocketSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.security.authentication.Authentication;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The session's states on an embedded channel with the in-memory log: the real kernel, fan-out,
 * replay and frames, with every thread hop run inline, so each test states the exact frames a
 * client gets, in order. End-to-end versions of the same rules run against JetStream in the ITs.
 */
class StreamSessionTest {
  private static final String ORG = "org-a";
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
  private static final Pattern TYPE = Pattern.compile("\"type\":\"([a-z]+)\"");

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final Map<String, Authentication> tokens = new HashMap<>();
  private final StreamConfig config = new StreamConfig();
  private final Hub hub = new Hub();
  private final FanOut fanOut = new FanOut(hub, new OrgSignals(), 1, 100);
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private StreamSession.LogPositions positions = log::position;
  private int replayPageSize = 1000;
  private EmbeddedSockets sockets;

  StreamSessionTest() {
    token("staff", ORG, Instant.now().plusSeconds(3600));
    config.heartbeat = Duration.ofHours(1);
  }

  @AfterEach
  void close() {
    fanOut.close();
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private void token(String token, String org, Instant exp) {
    tokens.put(
        token,
        Authentication.build(
            "user-" + token, List.of(Roles.STAFF), Map.of("orgId", org, "exp", Date.from(exp))));
  }

  /** A session on a fresh channel, handshake sent; its thread hops have all run. */
  private Client connect(String handshake) {
    Client client = open();
    EmbeddedSockets.text(client.socket, handshake);
    client.channel.runPendingTasks();
    return client;
  }

  /** A socket that has not sent its handshake yet. */
  private Client open() {
    if (sockets == null) {
      sockets = new EmbeddedSockets(FixedTokenVerifier.of(tokens));
    }
    var collaborators =
        new StreamSession.Collaborators(
            hub,
            fanOut,
            Runnable::run,
            Runnable::run,
            new ReplayPages(log, replayPageSize, 100),
            () -> positions.position(),
            config,
            new StreamMetrics(new SimpleMeterRegistry()));
    EmbeddedChannel channel = EmbeddedSockets.channel();
    channels.add(channel);
    var client = new Client(channel);
    // The writer's bound is the kernel's; config.maxQueuedBytes below bounds the session's hold.
    var spec =
        new SocketSpec(
            "stream",
            StreamEndpoint.MAX_CLIENT_FRAME,
            4 << 20,
            config.handshakeTimeout,
            config.closeGrace,
            config.expiryGrace,
            1_000,
            1_000);
    client.socket =
        sockets.open(channel, spec, s -> client.session = new StreamSession(s, collaborators));
    return client;
  }

  private long publish(String... types) {
    var events = new ArrayList<EventEnvelope>();
    for (String type : types) {
      events.add(EventEnvelope.of(Service.GUEST, type, ORG, null, "{}"));
    }
    var appended = log.append(events).join();
    var routed = new ArrayList<FanOut.Routed>();
    for (int i = 0; i < events.size(); i++) {
      routed.add(new FanOut.Routed(events.get(i).withSeq(appended.get(i).seq()), 1));
    }
    fanOut.route(routed);
    return appended.get(appended.size() - 1).seq();
  }

  /** What one client received: text frames in order, and the close frame if any. */
  private static final class Client {
    final EmbeddedChannel channel;
    StreamSession session;
    RealtimeSocket socket;
    final List<String> frames = new ArrayList<>();
    CloseWebSocketFrame close;

    Client(EmbeddedChannel channel) {
      this.channel = channel;
    }

    List<String> read() {
      channel.runPendingTasks();
      Object m;
      while ((m = channel.readOutbound()) != null) {
        if (m instanceof TextWebSocketFrame t) {
          frames.add(t.text());
        } else if (m instanceof CloseWebSocketFrame c) {
          close = c.retain();
        }
        ReferenceCountUtil.release(m);
      }
      return frames;
    }

    /**
     * Each frame as its type and seqs, e.g. {@code ["ack 3", "event 4,5"]}: an event frame lists
     * the seq of every event it carries, so a test states exactly what the client saw, in order.
     */
    List<String> seen() {
      var out = new ArrayList<String>();
      for (String f : read()) {
        Matcher type = TYPE.matcher(f);
        assertTrue(type.find(), f);
        var seqs = new ArrayList<String>();
        Matcher seq = SEQ.matcher(f);
        while (seq.find()) {
          seqs.add(seq.group(1));
        }
        if (type.group(1).equals("event")) {
          seqs.remove(seqs.size() - 1); // the frame's own seq: its last event's
        }
        out.add(seqs.isEmpty() ? type.group(1) : type.group(1) + " " + String.join(",", seqs));
      }
      return out;
    }

    int closeCode() {
      read();
      assertInstanceOf(CloseWebSocketFrame.class, close, "no close frame; frames: " + frames);
      return close.statusCode();
    }
  }

  @Test
  void aFreshSessionIsAckedAtTheLogHeadAndGetsOnlyLaterEvents() {
    publish("a", "b", "c");
    Client c = connect("{\"token\":\"staff\"}");
    assertEquals(StreamSession.State.LIVE, c.session.state());
    publish("d");
    assertEquals(List.of("ack 3", "event 4"), c.seen());
  }

  @Test
  void aBatchRoutedBeforeTheHeadIsReadIsHeldAndTrimmedSoItIsNotSentTwice() {
    publish("a");
    // The event is appended and routed after the session joined the hub, before the ack reads
    // the head: the held batch is already covered by the ack's seq.
    positions =
        () -> {
          publish("b");
          return log.position();
        };
    Client c = connect("{\"token\":\"staff\"}");
    positions = log::position;
    publish("c");
    assertEquals(List.of("ack 2", "event 3"), c.seen());
  }

  @Test
  void aBatchRoutedAfterTheHeadIsReadIsHeldThenSentRightAfterTheAck() {
    publish("a");
    positions =
        () -> {
          LogPosition head = log.position();
          publish("b");
          return head;
        };
    Client c = connect("{\"token\":\"staff\"}");
    assertEquals(List.of("ack 1", "event 2"), c.seen());
  }

  @Test
  void aResumeReplaysExactlyTheMissedEventsThenGoesLive() {
    publish("a", "b", "c");
    String epoch = log.position().epoch();
    Client c = connect("{\"token\":\"staff\",\"lastSeq\":1,\"epoch\":\"" + epoch + "\"}");
    publish("d");
    assertEquals(List.of("ack 1", "event 2,3", "event 4"), c.seen());
    assertTrue(c.frames.get(0).contains("\"recovered\":true"), c.frames.get(0));
    assertEquals(StreamSession.State.LIVE, c.session.state());
  }

  @Test
  void liveBatchesThatOverflowTheHoldDuringAReplayAreReadAgainFromTheLog() {
    config.maxQueuedBytes = 1; // any held batch overflows the hold
    replayPageSize = 2;
    publish("a", "b");
    String epoch = log.position().epoch();
    positions =
        () -> {
          LogPosition head = log.position();
          publish("c"); // arrives while the session is registered: held, overflows, dropped
          return head;
        };
    Client c = connect("{\"token\":\"staff\",\"lastSeq\":0,\"epoch\":\"" + epoch + "\"}");
    // A page of two (a, b); then the overflowed hold makes the replay read again: c.
    assertEquals(List.of("ack 0", "event 1,2", "event 3"), c.seen());
    assertEquals(StreamSession.State.LIVE, c.session.state());
  }

  @Test
  void aRefreshWithATokenOfTheSameOrgIsAnsweredAndMovesTheExpiry() {
    Client c = connect("{\"token\":\"staff\"}");
    Instant later = Instant.now().plusSeconds(7200);
    token("fresh", ORG, later);
    EmbeddedSockets.text(c.socket, "{\"type\":\"refresh\",\"token\":\"fresh\"}");
    c.read();
    assertEquals(2, c.frames.size(), "ack, refreshed: " + c.frames);
    assertTrue(c.frames.get(1).contains("\"type\":\"refreshed\""), c.frames.get(1));
    assertEquals(later.getEpochSecond(), c.socket.principal().expiresAt().getEpochSecond());
    assertNull(c.close);
  }

  @Test
  void aRefreshWithATokenOfAnotherOrgEndsTheSessionWith4003() {
    Client c = connect("{\"token\":\"staff\"}");
    token("other", "org-b", Instant.now().plusSeconds(3600));
    EmbeddedSockets.text(c.socket, "{\"type\":\"refresh\",\"token\":\"other\"}");
    assertEquals(4003, c.closeCode());
    assertEquals(StreamSession.State.CLOSED, c.session.state());
    publish("a");
    assertEquals(List.of("ack 0", "error"), c.seen(), "nothing after the refusal");
  }

  @Test
  void aSessionWhoseTokenHasExpiredIsClosedWith4001() {
    config.expiryGrace = Duration.ZERO;
    token("expired", ORG, Instant.now().minusSeconds(1));
    Client c = connect("{\"token\":\"expired\"}");
    c.channel.runScheduledPendingTasks();
    assertEquals(4001, c.closeCode());
    assertTrue(c.frames.get(c.frames.size() - 1).contains("token expired"), c.frames.toString());
  }

  @Test
  void aSocketThatSendsNoHandshakeIsClosedWith4408AtTheDeadline() {
    config.handshakeTimeout = Duration.ofSeconds(5);
    Client client = open();
    EmbeddedChannel channel = client.channel;
    channel.advanceTimeBy(4, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(List.of(), client.read(), "nothing before the deadline");
    assertNull(client.close);
    channel.advanceTimeBy(2, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertEquals(4408, client.closeCode());
  }

  @Test
  void anUnknownTokenIsRefusedWith4001AndNeverJoinsTheHub() {
    Client c = connect("{\"token\":\"nobody\"}");
    assertEquals(4001, c.closeCode());
    assertNull(hub.groups(ORG));
  }
}
