package io.bellhop.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Resume cost: how long reconnecting clients take to catch up on M missed events.
 *
 * <p>Takes the org's cursor ({@code GET /v2/realtime/cursor}), publishes M events to that org with
 * nobody listening, then connects C clients at once (default 1) whose handshakes carry that {@code
 * lastSeq}/{@code epoch}, and measures handshake-to-ack, handshake-to-first and handshake-to-M-th
 * event per client, checking that each gets all M exactly once and in order. A fresh org per run
 * keeps other traffic out of the count.
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
      System.err.println(
          "cursor: HTTP "
              + cur.statusCode()
              + " "
              + new String(cur.body(), StandardCharsets.UTF_8));
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

    // 3. resume and time the catch-up, all clients at once
    int clients = a.integer("clients", 1);
    String hs =
        Handshake.resume(token, Handshake.services(a.str("service", "finance")), seq, epoch);
    CountDownLatch done = new CountDownLatch(clients);
    List<ReplaySession> sessions = new ArrayList<>();
    EventLoopGroup group = Transport.group(a.integer("threads", clients > 1 ? 2 : 1));
    try {
      WsClient wsClient = new WsClient(group, a.flag("deflate"), 60_000);
      var sources = Loopback.sources(clients > 1 ? 4 : 1);
      long t0 = System.nanoTime();
      for (int i = 0; i < clients; i++) {
        ReplaySession s = new ReplaySession(hs, org, m, done);
        sessions.add(s);
        wsClient.connect(ws, Loopback.require(ws), sources[i % sources.length], s);
      }
      boolean complete = done.await(a.longValue("timeout", 120), TimeUnit.SECONDS);
      double wallMs = (System.nanoTime() - t0) / 1e6;
      Thread.sleep(a.longValue("settle-ms", 500)); // late duplicates would show up here
      for (ReplaySession s : sessions) {
        if (s.channel != null) {
          s.channel.writeAndFlush(new CloseWebSocketFrame(1000, "bench done"));
          s.channel.close().await(3, TimeUnit.SECONDS);
        }
      }
      Map<String, Object> r =
          clients == 1 ? sessions.get(0).result(complete) : aggregate(sessions, complete, wallMs);
      r.put("org", org);
      r.put("cursorSeq", seq);
      r.put("epoch", epoch);
      r.put("publishSeconds", publishSeconds);
      r.put("publisher", pub);
      File out = new File(a.str("out", "replay-result.json"));
      Json.write(out, r);
      System.out.printf(
          "replay %d events x %d clients: ack %.1f ms, first %.1f ms, last %.1f ms%s, recovered %s,"
              + " lost %s dup %s ooo %s -> %s%n",
          m,
          clients,
          millis(r.get("handshakeToAckMs")),
          millis(r.get("handshakeToFirstMs")),
          millis(r.get("handshakeToLastMs")),
          clients == 1 ? "" : " (all done after " + Math.round(wallMs) + " ms)",
          r.get("recovered"),
          r.get("lost"),
          r.get("duplicates"),
          r.get("outOfOrder"),
          out);
      return complete && ((Number) r.get("lost")).longValue() == 0 ? 0 : 1;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Many clients: medians of the per-client times, the slowest client, the wall time until the last
   * one finished, and the sums of lost / duplicated / out-of-order events.
   */
  private static Map<String, Object> aggregate(
      List<ReplaySession> sessions, boolean complete, double wallMs) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", "replay");
    r.put("clients", sessions.size());
    r.put("events", sessions.get(0).expected);
    r.put("complete", complete);
    long failed = sessions.stream().filter(s -> s.failure != null).count();
    r.put("failedClients", failed);
    var failures = new java.util.TreeMap<String, Long>();
    sessions.stream()
        .filter(s -> s.failure != null)
        .forEach(s -> failures.merge(s.failure, 1L, Long::sum));
    r.put("failures", failures);
    r.put("badFrames", sessions.stream().mapToLong(s -> s.badFrames.sum()).sum());
    r.put("fewestReceived", sessions.stream().mapToLong(s -> s.tracker.distinct()).min().orElse(0));
    r.put("recovered", sessions.stream().allMatch(s -> Boolean.TRUE.equals(s.recovered)));
    r.put("handshakeToAckMs", median(sessions, s -> s.ms(s.ackAt)));
    r.put("handshakeToFirstMs", median(sessions, s -> s.ms(s.firstAt)));
    r.put("handshakeToLastMs", median(sessions, s -> s.ms(s.lastAt)));
    r.put("slowestClientMs", sessions.stream().mapToDouble(s -> s.ms(s.lastAt)).max().orElse(-1));
    r.put("allDoneMs", wallMs);
    long events = (long) sessions.size() * sessions.get(0).expected;
    r.put("replayEventsPerSec", wallMs > 0 ? events / (wallMs / 1000.0) : 0.0);
    long lost = 0, dup = 0, ooo = 0, foreign = 0;
    for (ReplaySession s : sessions) {
      lost += s.tracker.lost(s.expected);
      dup += s.tracker.duplicates();
      ooo += s.tracker.outOfOrder();
      foreign += s.foreign.sum();
    }
    r.put("lost", lost);
    r.put("duplicates", dup);
    r.put("outOfOrder", ooo);
    r.put("foreignOrg", foreign);
    return r;
  }

  private static double median(
      List<ReplaySession> sessions, java.util.function.ToDoubleFunction<ReplaySession> f) {
    double[] v = sessions.stream().mapToDouble(f).sorted().toArray();
    return v[(v.length - 1) / 2];
  }

  /** One resuming client; counts the shared latch down when it has all M, or fails. */
  private static final class ReplaySession implements Session {
    final CountDownLatch done;
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
    // Written by the connection's event loop, read by the main thread at the end.
    final LongAdder foreign = new LongAdder();
    final LongAdder badFrames = new LongAdder();
    private boolean settled;

    ReplaySession(String handshake, String org, int expected, CountDownLatch done) {
      this.handshake = handshake;
      this.org = org;
      this.expected = expected;
      this.done = done;
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
      settle();
    }

    @Override
    public void badFrame(Exception e) {
      badFrames.increment();
    }

    @Override
    public void closed(String reason) {
      if (lastAt == 0) {
        failure = "closed: " + reason;
      }
      settle();
    }

    /** Counts the shared latch down once per client, however it ends. */
    private synchronized void settle() {
      if (!settled) {
        settled = true;
        done.countDown();
      }
    }

    @Override
    public void event(String orgId, long t, long n, long seq) {
      if (!org.equals(orgId)) {
        foreign.increment();
        return;
      }
      if (firstAt == 0) {
        firstAt = System.nanoTime();
      }
      if (tracker.record(n) && tracker.distinct() == expected) {
        lastAt = System.nanoTime();
        settle();
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
      r.put("foreignOrg", foreign.sum());
      r.put("badFrames", badFrames.sum());
      return r;
    }

    double ms(long at) {
      return at == 0 || sentAt == 0 ? -1.0 : (at - sentAt) / 1e6;
    }
  }

  /** A timing from the result map for {@code %.1f}: NaN when a client never got that far. */
  private static double millis(Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
