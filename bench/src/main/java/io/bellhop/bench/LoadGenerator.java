package io.bellhop.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds N WebSocket subscribers against a target and measures what they receive.
 *
 * <p>Connections are opened at a controlled rate, round-robin over loopback source addresses, each
 * belonging to org {@code org-(i % orgs)}. Once every connection is open (or failed) it prints
 * {@code READY}, then records publish-to-receive latency and checks that each connection receives
 * every event of its org exactly once and in order (see {@link PublishPlan}). It stops when every
 * connection has its full set, when deliveries go idle, or at a hard deadline, and writes a JSON
 * result. Protocols: {@code bellhop} (handshake frame with a locally minted JWT, batched event
 * frames) and {@code broadcast} (plain socket, raw envelopes; {@code {org}} in the URL is replaced
 * by the connection's org).
 */
final class LoadGenerator {
  private final Args args;
  private final String protocol;
  private final String urlTemplate;
  private final int first;
  private final int count;
  private final int totalConnections;
  private final PublishPlan plan;
  private final InetAddress[] sources;
  private final List<String> services;
  private final LoadStats stats = new LoadStats();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Conn[] conns;
  private final int retries;
  private ScheduledExecutorService ticker;
  private volatile boolean stopping;
  private Jwt jwt;
  private WsClient client;
  private InetSocketAddress remote;

  LoadGenerator(Args a) {
    this.args = a;
    this.protocol = a.str("protocol", "bellhop");
    this.urlTemplate =
        a.str(
            "url",
            protocol.equals("bellhop")
                ? "ws://127.0.0.1:8080/v2/realtime/stream"
                : "ws://127.0.0.1:18090/ws?org={org}");
    this.totalConnections = a.integer("connections", 1000);
    this.first = a.integer("first", 0);
    this.count = a.integer("count", totalConnections - first);
    this.plan = PublishPlan.fromArgs(a);
    this.sources = Loopback.sources(a.integer("sources", 4));
    this.services = Handshake.services(a.str("services", "finance"));
    this.conns = new Conn[count];
    this.retries = a.integer("retries", 0);
  }

  static int run(Args a) throws Exception {
    return new LoadGenerator(a).execute();
  }

  private int execute() throws Exception {
    double connectRate = args.dbl("connect-rate", 2000);
    int maxInFlight = args.integer("max-inflight", 1000);
    double duration = args.dbl("duration", 30);
    double idleTimeout = args.dbl("idle-timeout", 10);
    double maxWait = args.dbl("max-wait", duration + 60);
    double hold = args.dbl("hold", 0);
    boolean expectEvents = !args.flag("no-events");
    File out = new File(args.str("out", "load-result.json"));
    double churnRate = args.dbl("churn", 0);
    remote = Loopback.require(URI.create(urlTemplate.replace("{org}", "x")));
    if (protocol.equals("bellhop")) {
      jwt = Jwt.fromEnv();
    } else if (churnRate > 0) {
      throw new IllegalArgumentException("--churn needs --protocol bellhop (it resumes)");
    }

    EventLoopGroup group = Transport.group(args.integer("threads", 2));
    client = new WsClient(group, args.flag("deflate"), args.longValue("ack-timeout-ms", 10_000));
    ticker = Executors.newSingleThreadScheduledExecutor();
    Progress progress = new Progress(stats, count);
    ticker.scheduleAtFixedRate(progress::print, 1, 1, TimeUnit.SECONDS);
    System.out.printf(
        "load: %s %d connections (#%d..%d of %d) -> %s, %d orgs, %d events/org, %.0f events/s"
            + " planned (%.0f deliveries/s over all %d), %s, %d source addrs%n",
        protocol,
        count,
        first,
        first + count - 1,
        totalConnections,
        urlTemplate,
        plan.orgs(),
        plan.perOrg(),
        plan.eventsPerSec(),
        plan.deliveriesPerSec(totalConnections),
        totalConnections,
        Transport.name(),
        sources.length);

    long t0 = System.nanoTime();
    int[] next = {0};
    double[] budget = {0};
    double perTick = connectRate / 100.0;
    double rampSeconds = args.dbl("connect-ramp", 0);
    double rampNanos = rampSeconds * 1e9;
    ticker.scheduleAtFixedRate(
        () -> {
          // an optional linear ramp: cold servers compile their handshake path first
          double share = rampNanos <= 0 ? 1 : Math.min(1, (System.nanoTime() - t0) / rampNanos);
          budget[0] = Math.min(budget[0] + perTick * share, Math.max(1, perTick * 5));
          while (budget[0] >= 1 && next[0] < count && inFlight.get() < maxInFlight) {
            budget[0] -= 1;
            connect(next[0]++);
          }
        },
        0,
        10,
        TimeUnit.MILLISECONDS);
    double connectDeadline = count / connectRate + rampSeconds / 2 + 60;
    while (stats.connected.get() + stats.failed.get() < count && seconds(t0) < connectDeadline) {
      Thread.sleep(50);
    }
    double connectSeconds = seconds(t0);
    progress.print();
    System.out.printf(
        "READY connected=%d failed=%d in %.1fs%n",
        stats.connected.get(), stats.failed.get(), connectSeconds);
    System.out.flush();

    if (churnRate > 0) {
      scheduleChurn(churnRate);
    }
    long ready = System.nanoTime();
    while (true) {
      Thread.sleep(100);
      double since = seconds(ready);
      int opened = stats.connected.get();
      if (hold > 0 && since >= hold) {
        break;
      }
      if (opened == 0 && hold <= 0) {
        System.out.println("no connection opened, stopping");
        break;
      }
      if (expectEvents && opened > 0 && stats.complete.get() + stats.closed.get() >= opened) {
        break;
      }
      long last = stats.lastAny.get();
      if (last > 0 && (EpochMicros.now() - last) / 1e6 > idleTimeout && hold <= 0) {
        System.out.println("deliveries idle for " + idleTimeout + " s, stopping");
        break;
      }
      if (since > maxWait) {
        System.out.println("max wait reached, stopping");
        break;
      }
    }
    stopping = true;
    ticker.shutdownNow();
    progress.print();
    closeAll(group);
    Map<String, Object> result = result(connectSeconds);
    Json.write(out, result);
    System.out.println("result: " + out);
    System.out.println(Report.loadSummary(result));
    return 0;
  }

  private void connect(int i) {
    int g = first + i;
    Conn c = new Conn(g, plan.org(g));
    conns[i] = c;
    inFlight.incrementAndGet();
    dial(c);
  }

  /**
   * The storm: from the first measured delivery on, {@code rate} connections a second drop their
   * socket (no close frame, like a lost network) and reconnect at once, resuming from the last seq
   * they saw; exactly-once is checked across the reconnects.
   */
  private void scheduleChurn(double rate) {
    double[] budget = {0};
    ticker.scheduleAtFixedRate(
        () -> {
          if (stopping || stats.firstDelivery.get() == Long.MAX_VALUE) {
            return;
          }
          budget[0] = Math.min(budget[0] + rate / 100.0, Math.max(1, rate / 20.0));
          var random = java.util.concurrent.ThreadLocalRandom.current();
          for (int tries = 0; budget[0] >= 1 && tries < 100; tries++) {
            Conn c = conns[random.nextInt(count)];
            if (c != null && c.drop()) {
              budget[0] -= 1;
            }
          }
        },
        0,
        10,
        TimeUnit.MILLISECONDS);
  }

  private void dial(Conn c) {
    URI uri = URI.create(urlTemplate.replace("{org}", c.org));
    client
        .connect(uri, remote, sources[c.index % sources.length], c)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                Throwable t = f.cause();
                String why = t == null || t.getMessage() == null ? "cancelled" : t.getMessage();
                c.failed("connect: " + why.split(":", -1)[0]); // drop the address part
              }
            });
  }

  private void closeAll(EventLoopGroup group) throws InterruptedException {
    for (Channel ch : channels) {
      ch.writeAndFlush(new CloseWebSocketFrame(1000, "bench done"));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (stats.open.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    channels.close().await(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  private Map<String, Object> result(double connectSeconds) {
    long lost = 0;
    long incomplete = 0;
    int opened = 0;
    for (Conn c : conns) {
      if (c != null && c.opened) {
        opened++;
        long l = c.tracker.lost(plan.perOrg());
        lost += l;
        incomplete += l > 0 ? 1 : 0;
      }
    }
    Map<String, Object> r = new java.util.LinkedHashMap<>();
    r.put("mode", "load");
    r.put("protocol", protocol);
    r.put("url", urlTemplate);
    r.put("transport", Transport.name());
    r.put("first", first);
    r.put("count", count);
    r.put("totalConnections", totalConnections);
    r.put("orgs", plan.orgs());
    r.put("eventsPerOrg", plan.perOrg());
    r.put("plannedEventsPerSec", plan.eventsPerSec());
    r.put("offeredDeliveriesPerSec", plan.deliveriesPerSec(totalConnections));
    r.put("sources", sources.length);
    r.put("connected", stats.connected.get());
    r.put("connectFailures", stats.failed.get());
    r.put("connectRetries", stats.retries.sum());
    r.put("closedEarly", stats.closed.get());
    r.put("connectSeconds", connectSeconds);
    r.put("failureReasons", LoadStats.snapshot(stats.failureReasons));
    r.put("closeReasons", LoadStats.snapshot(stats.closeReasons));
    r.put("deliveries", stats.deliveries.sum());
    r.put("expectedDeliveries", (long) opened * plan.perOrg());
    r.put("lost", lost);
    r.put("connectionsWithLoss", incomplete);
    r.put("duplicates", stats.duplicates.sum());
    r.put("outOfOrder", stats.outOfOrder.sum());
    r.put("foreignOrg", stats.foreign.sum());
    r.put("warmupDeliveries", stats.warmup.sum());
    r.put("badFrames", stats.badFrames.sum());
    r.put("pings", stats.pings.sum());
    r.put("wireBytesIn", client.bytesReceived());
    r.put("resumes", stats.resumes.sum());
    r.put("resumesRecovered", stats.resumesRecovered.sum());
    r.put("resumeFailures", stats.resumeFailures.sum());
    r.put("resumeAckP50Ms", stats.resumeAck.getValueAtPercentile(50) / 1000.0);
    r.put("resumeAckP99Ms", stats.resumeAck.getValueAtPercentile(99) / 1000.0);
    long firstD = stats.firstDelivery.get();
    long lastD = stats.lastDelivery.get();
    r.put("firstDeliveryMicros", firstD == Long.MAX_VALUE ? 0 : firstD);
    r.put("lastDeliveryMicros", lastD);
    stats.roll();
    Report.putLatency(r, stats.total());
    return r;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** One subscriber: org membership, handshake, exactly-once tracking. */
  private final class Conn implements Session {
    final int index;
    final String org;
    final SequenceTracker tracker = new SequenceTracker();
    boolean opened;
    private boolean settled;
    private int attempts;
    private volatile Channel channel;
    private volatile long lastSeq = -1;
    private volatile String epoch;
    private volatile boolean dropping;
    private volatile long droppedAtNanos;

    Conn(int index, String org) {
      this.index = index;
      this.org = org;
    }

    @Override
    public boolean engineIo() {
      return protocol.equals("socketio");
    }

    @Override
    public String handshake() {
      if (!protocol.equals("bellhop")) {
        return null;
      }
      String token = jwt.client("bench-" + index, org);
      return epoch == null
          ? Handshake.live(token, services)
          : Handshake.resume(token, services, lastSeq, epoch);
    }

    /** Dials again after 1–5 s, as a real client would, while retries are left. */
    private boolean retryLater() {
      if (attempts++ >= retries || stopping) {
        return false;
      }
      stats.retries.increment();
      long pauseMs = java.util.concurrent.ThreadLocalRandom.current().nextLong(1_000, 5_000);
      ticker.schedule(() -> dial(this), pauseMs, TimeUnit.MILLISECONDS);
      return true;
    }

    /** Drops the socket to reconnect with resume; false if this connection is not open now. */
    boolean drop() {
      Channel ch = channel;
      if (dropping || ch == null || !ch.isActive() || epoch == null) {
        return false;
      }
      dropping = true;
      droppedAtNanos = System.nanoTime();
      ch.close();
      return true;
    }

    private void cursor(long seq, String ackEpoch) {
      if (ackEpoch != null) {
        epoch = ackEpoch;
      }
      if (seq > lastSeq) {
        lastSeq = seq;
      }
    }

    @Override
    public void opened(Channel channel, FrameParser.Frame ack) {
      this.channel = channel;
      if (ack != null) {
        cursor(ack.seq, ack.epoch);
      }
      stats.open.incrementAndGet();
      attempts = 0;
      if (dropping) {
        dropping = false;
        stats.resumes.increment();
        if (Boolean.TRUE.equals(ack.recovered)) {
          stats.resumesRecovered.increment();
        }
        stats.resumeAck.recordValue((System.nanoTime() - droppedAtNanos) / 1000);
        channels.add(channel);
        return;
      }
      settled = true;
      opened = true;
      inFlight.decrementAndGet();
      channels.add(channel);
      stats.connected.incrementAndGet();
    }

    @Override
    public void failed(String reason) {
      if (dropping) {
        if (retryLater()) {
          return;
        }
        dropping = false;
        stats.resumeFailures.increment();
        stats.closed.incrementAndGet();
        LoadStats.count(stats.closeReasons, "resume failed: " + reason);
        return;
      }
      if (settled) {
        return;
      }
      if (retryLater()) {
        return;
      }
      settled = true;
      inFlight.decrementAndGet();
      stats.failed.incrementAndGet();
      LoadStats.count(stats.failureReasons, reason);
    }

    @Override
    public void closed(String reason) {
      stats.open.decrementAndGet();
      if (dropping && !stopping) {
        dial(this);
        return;
      }
      if (!stopping) {
        stats.closed.incrementAndGet();
        LoadStats.count(stats.closeReasons, reason);
      }
    }

    @Override
    public void event(String orgId, long t, long n, long seq) {
      long now = EpochMicros.now();
      if (!org.equals(orgId)) {
        stats.foreign.increment();
        return;
      }
      stats.lastAny.lazySet(now);
      cursor(seq, null);
      if (n < 0) {
        stats.warmup.increment();
        stats.warmupLatency(now - t);
        return;
      }
      stats.delivered(now);
      long dups = tracker.duplicates();
      long ooo = tracker.outOfOrder();
      if (tracker.record(n)) {
        stats.latency(now - t);
        if (tracker.outOfOrder() != ooo) {
          stats.outOfOrder.increment();
        }
        if (tracker.distinct() == plan.perOrg()) {
          stats.complete.incrementAndGet();
        }
      } else if (tracker.duplicates() != dups) {
        stats.duplicates.increment();
      }
    }

    @Override
    public void control(FrameParser.Frame frame) {
      if ("ping".equals(frame.type)) {
        stats.pings.increment();
        cursor(frame.seq, null);
      } else if ("error".equals(frame.type)) {
        LoadStats.count(stats.closeReasons, "error " + frame.code);
      }
    }

    @Override
    public void badFrame(Exception e) {
      stats.badFrames.increment();
    }
  }
}
