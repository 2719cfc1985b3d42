package io.bellhop.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Resume cost: how long a reconnecting client takes to catch up on M missed events.
 *
 * <p>Takes the org's cursor ({@code GET /v2/realtime/cursor}), publishes M events to that org with
 * nobody listening, then connects one client whose handshake carries {@code lastSeq}/{@code epoch}
 * and measures handshake-to-ack, handshake-to-first and handshake-to-M-th event, checking that all
 * M arrive exactly once and in order. A fresh org per run keeps other traffic out of the count.
 */
final class ReplayBench {
  private ReplayBench() {}

  static int run(Args a) throws Exception {
    String http = a.str("http", "http://127.0.0.1:8080");
    URI ws = URI.create(a.str("url", "ws://127.0.0.1:8080/v2/realtime/stream"));
    int m = a.integer("events", 10_000);
    String prefix =
        a.str("org-prefix", "replay-" + Long.toString(System.currentTimeMillis(), 36) + "-");
    PublishPlan plan = new PublishPlan(prefix, 1, m, a.dbl("publish-rate", 5_000));
    String org = plan.org(0);
    Jwt jwt = Jwt.fromEnv();
    String token = jwt.client("bench-replay", org);

    // 1. cursor before publishing
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI cursorUri = URI.create(http + "/v2/realtime/cursor");
    Loopback.require(cursorUri);
    HttpResponse<byte[]> cur =
        client.send(
            HttpRequest.newBuilder(cursorUri)
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (cur.statusCode() != 200) {
      System.err.println("cursor: HTTP " + cur.statusCode() + " " + new String(cur.body()));
      return 2;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> cursor = (Map<String, Object>) Json.parse(cur.body());
    Object seq = cursor.get("seq");
    Object epoch = cursor.get("epoch");
    System.out.printf(
        "replay: org %s cursor seq=%s epoch=%s, publishing %d events%n", org, seq, epoch, m);

    // 2. publish M events with nobody connected
    Args pubArgs =
        Args.parse(
            new String[] {
              "--target", "bellhop",
              "--publish-url", a.str("publish-url", http + "/v2/realtime/events"),
              "--service", a.str("service", "finance")
            },
            0);
    Publisher publisher = Publisher.fromArgs(pubArgs, plan);
    long p0 = System.nanoTime();
    Map<String, Object> pub = publisher.publish(120);
    double publishSeconds = (System.nanoTime() - p0) / 1e9;
    System.out.println("published: " + Json.toString(pub));

    // 3. resume and time the catch-up
    String hs =
        Handshake.resume(token, Handshake.services(a.str("service", "finance")), seq, epoch);
    ReplaySession s = new ReplaySession(hs, org, m);
    EventLoopGroup group = Transport.group(1);
    try {
      WsClient wsClient = new WsClient(group, a.flag("deflate"), 10_000);
      wsClient.connect(ws, Loopback.require(ws), Loopback.sources(1)[0], s);
      boolean done = s.done.await(a.longValue("timeout", 120), TimeUnit.SECONDS);
      Thread.sleep(a.longValue("settle-ms", 500)); // late duplicates would show up here
      if (s.channel != null) {
        s.channel.writeAndFlush(new CloseWebSocketFrame(1000, "bench done"));
        s.channel.close().await(3, TimeUnit.SECONDS);
      }
      Map<String, Object> r = s.result(done);
      r.put("org", org);
      r.put("cursorSeq", seq);
      r.put("epoch", epoch);
      r.put("publishSeconds", publishSeconds);
      r.put("publisher", pub);
      File out = new File(a.str("out", "replay-result.json"));
      Json.write(out, r);
      System.out.printf(
          "replay %d events: ack %.1f ms, first %.1f ms, last %.1f ms (%.0f events/s), recovered %s,"
              + " lost %s dup %s ooo %s -> %s%n",
          m,
          r.get("handshakeToAckMs"),
          r.get("handshakeToFirstMs"),
          r.get("handshakeToLastMs"),
          r.get("replayEventsPerSec"),
          r.get("recovered"),
          r.get("lost"),
          r.get("duplicates"),
          r.get("outOfOrder"),
          out);
      return done && ((Number) r.get("lost")).longValue() == 0 ? 0 : 1;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  /** The single resuming client. */
  private static final class ReplaySession implements Session {
    final CountDownLatch done = new CountDownLatch(1);
    final SequenceTracker tracker = new SequenceTracker();
    final String handshake;
    final String org;
    final int expected;
    volatile Channel channel;
    volatile long sentAt;
    volatile long ackAt;
    volatile long firstAt;
    volatile long lastAt;
    volatile Boolean recovered;
    volatile String failure;
    volatile long foreign;

    ReplaySession(String handshake, String org, int expected) {
      this.handshake = handshake;
      this.org = org;
      this.expected = expected;
    }

    @Override
    public String handshake() {
      return handshake;
    }

    @Override
    public void handshakeSent() {
      sentAt = System.nanoTime();
    }

    @Override
    public void opened(Channel ch, FrameParser.Frame ack) {
      ackAt = System.nanoTime();
      channel = ch;
      recovered = ack == null ? null : ack.recovered;
    }

    @Override
    public void failed(String reason) {
      failure = reason;
      done.countDown();
    }

    @Override
    public void closed(String reason) {
      failure = "closed: " + reason;
      done.countDown();
    }

    @Override
    public void event(String orgId, long t, long n, long seq) {
      if (!org.equals(orgId)) {
        foreign++;
        return;
      }
      if (firstAt == 0) {
        firstAt = System.nanoTime();
      }
      if (tracker.record(n) && tracker.distinct() == expected) {
        lastAt = System.nanoTime();
        done.countDown();
      }
    }

    Map<String, Object> result(boolean complete) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("mode", "replay");
      r.put("events", expected);
      r.put("complete", complete && lastAt > 0);
      r.put("failure", failure);
      r.put("recovered", recovered);
      r.put("handshakeToAckMs", ms(ackAt));
      r.put("handshakeToFirstMs", ms(firstAt));
      r.put("handshakeToLastMs", ms(lastAt));
      double lastMs = ms(lastAt);
      r.put("replayEventsPerSec", lastMs > 0 ? expected / (lastMs / 1000.0) : 0.0);
      r.put("received", (long) tracker.distinct());
      r.put("lost", tracker.lost(expected));
      r.put("duplicates", tracker.duplicates());
      r.put("outOfOrder", tracker.outOfOrder());
      r.put("foreignOrg", foreign);
      return r;
    }

    private double ms(long at) {
      return at == 0 || sentAt == 0 ? -1.0 : (at - sentAt) / 1e6;
    }
  }
}
