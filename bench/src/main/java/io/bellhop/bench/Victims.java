package io.bellhop.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The well-behaved clients whose experience the attack suite measures, from their own loopback
 * addresses (subscribers and probes 127.0.0.2, the publisher 127.0.0.3; attackers use 127.0.0.1):
 *
 * <ul>
 *   <li>{@code clients} WebSocket subscribers over orgs {@code victim-0..k-1}, receiving events
 *       published over HTTP at {@code rate} events/s; publish → receive latency per phase, and at
 *       the end every accepted event is checked off per client (lost, duplicate, foreign). A
 *       subscriber the server drops reconnects and resumes from its cursor, as a real client does.
 *   <li>a new subscriber every {@code probeMs}: upgrade start → ack (and handshake frame → ack).
 *   <li>{@code GET /health} on a fresh connection every second.
 * </ul>
 *
 * Events carry the time they were <em>due</em> (not sent) as {@code payload.t}, so a stalled
 * publish endpoint counts as latency; an event's phase is the phase it was due in.
 */
final class Victims {
  static final String[] PHASES = {"warmup", "before", "during", "after"};
  static final InetAddress CLIENT_SOURCE = Loopback.sources(2)[1];
  static final InetAddress PUBLISH_SOURCE = Loopback.sources(3)[2];

  private final URI wsUri;
  private final InetSocketAddress remote;
  private final Jwt jwt;
  private final int clients;
  private final int orgs;
  private final double rate;
  private final long probeMs;
  private final String runId;
  private final List<String> services = List.of("finance");
  private final EventLoopGroup group;
  private final WsClient ws;
  private final ScheduledExecutorService timers =
      Executors.newScheduledThreadPool(2, named("vic-timer"));
  private final ExecutorService healthPool = Executors.newFixedThreadPool(6, named("vic-health"));
  private final Semaphore healthInFlight = new Semaphore(6);

  private final List<VictimClient> subscribers = new ArrayList<>();
  private final long[] phaseStartMicros = new long[PHASES.length];
  private volatile int phase = 0;
  private volatile boolean running = true; // publishing, probing, health checks
  private volatile boolean alive = true; // subscribers reconnect while alive
  private final List<java.util.concurrent.ScheduledFuture<?>> tasks = new ArrayList<>();
  private volatile String epoch;

  private final ConcurrentHistogram[] eventLatency = histograms();
  private final ConcurrentHistogram[] connectAck = histograms();
  private final ConcurrentHistogram[] handshakeAck = histograms();
  private final ConcurrentHistogram[] health = histograms();
  private final ConcurrentHistogram[] publishAck = histograms();
  private final LongAdder[] probeFailures = adders();
  private final LongAdder[] healthFailures = adders();
  private final LongAdder[] duplicates = adders();
  private final LongAdder[] publishFailedEvents = adders();
  private final LongAdder[] disconnects = adders();
  private final LongAdder foreign = new LongAdder();
  private final LongAdder reconnects = new LongAdder();
  private final Map<String, LongAdder> probeFailureReasons = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> healthFailureReasons = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> publishErrors = new ConcurrentHashMap<>();
  private final AtomicInteger probesInFlight = new AtomicInteger();

  // publisher
  private final BitSet accepted = new BitSet();
  private long publishStartNanos;
  private long publishStartMicros;
  private volatile long publishedUpTo;
  private Thread publisher;

  Victims(URI http, Jwt jwt, int clients, int orgs, double rate, long probeMs) {
    this.remote = Loopback.require(http);
    this.wsUri =
        URI.create("ws://" + http.getHost() + ":" + remote.getPort() + "/v2/realtime/stream");
    this.jwt = jwt;
    this.clients = clients;
    this.orgs = Math.max(1, Math.min(orgs, clients));
    this.rate = rate;
    this.probeMs = probeMs;
    this.runId = "atk" + Long.toString(System.currentTimeMillis(), 36);
    this.group = Transport.group(2);
    this.ws = new WsClient(group, false, 10_000);
  }

  private static ConcurrentHistogram[] histograms() {
    ConcurrentHistogram[] h = new ConcurrentHistogram[PHASES.length];
    for (int i = 0; i < h.length; i++) {
      h[i] = new ConcurrentHistogram(1, LoadStats.MAX_MICROS, 3);
    }
    return h;
  }

  private static LongAdder[] adders() {
    LongAdder[] a = new LongAdder[PHASES.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  static String org(int i) {
    return "victim-" + i;
  }

  /** The stream epoch the subscribers were given (for the claims probes' resume from 0). */
  String epoch() {
    return epoch;
  }

  /** Connects every subscriber; returns how many got an ack within {@code timeoutMs}. */
  int connect(long timeoutMs) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      String org = org(i % orgs);
      VictimClient c = new VictimClient(org, jwt.client("victim-" + i, org), latch);
      subscribers.add(c);
      c.connect();
      if (i % 10 == 9) {
        Thread.sleep(20);
      }
    }
    latch.await(timeoutMs, TimeUnit.MILLISECONDS);
    int ok = 0;
    for (VictimClient c : subscribers) {
      if (c.everOpened) {
        ok++;
      }
    }
    return ok;
  }

  /** Starts publishing, probing and health checks: phase 0 (warm-up) begins. */
  void start() {
    publishStartNanos = System.nanoTime();
    publishStartMicros = EpochMicros.now();
    phaseStartMicros[0] = publishStartMicros;
    publisher = new Thread(this::publishLoop, "vic-publisher");
    publisher.setDaemon(true);
    publisher.start();
    tasks.add(timers.scheduleAtFixedRate(this::probe, probeMs, probeMs, TimeUnit.MILLISECONDS));
    tasks.add(timers.scheduleAtFixedRate(this::healthCheck, 500, 1000, TimeUnit.MILLISECONDS));
  }

  void phase(int p) {
    phaseStartMicros[p] = EpochMicros.now();
    phase = p;
  }

  private int phaseAt(long micros) {
    int p = 0;
    for (int i = 1; i <= phase; i++) {
      if (micros >= phaseStartMicros[i]) {
        p = i;
      }
    }
    return p;
  }

  // ---------------------------------------------------------------- publisher

  private void publishLoop() {
    String headers = "Authorization: Bearer " + jwt.publisher() + "\r\n";
    long next = 0;
    try (Http.KeepAlive http = new Http.KeepAlive(PUBLISH_SOURCE, remote)) {
      while (running) {
        long elapsed = System.nanoTime() - publishStartNanos;
        long due = (long) (elapsed / 1e9 * rate);
        if (due <= next) {
          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); // ≤ 1 ms late
          continue;
        }
        long end = Math.min(due, next + 1000);
        StringBuilder sb = new StringBuilder((int) (end - next) * 160 + 2).append('[');
        for (long i = next; i < end; i++) {
          if (i > next) {
            sb.append(',');
          }
          sb.append("{\"eventId\":\"")
              .append(runId)
              .append('-')
              .append(i)
              .append("\",\"service\":\"finance\",\"type\":\"attack.tick\",\"orgId\":\"")
              .append(org((int) (i % orgs)))
              .append("\",\"payload\":{\"t\":")
              .append(dueMicros(i))
              .append(",\"n\":")
              .append(i / orgs)
              .append("}}");
        }
        sb.append(']');
        long from = next;
        next = end;
        publishedUpTo = end;
        int p = phaseAt(dueMicros(from));
        long sent = System.nanoTime();
        try {
          Http.Response r =
              http.post(
                  "/v2/realtime/events",
                  headers,
                  sb.toString().getBytes(StandardCharsets.UTF_8),
                  10_000);
          publishAck[p].recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
          if (r.status() / 100 == 2) {
            synchronized (accepted) {
              accepted.set((int) from, (int) end);
            }
          } else {
            publishFailedEvents[p].add(end - from);
            LoadStats.count(publishErrors, "http " + r.status());
          }
        } catch (Exception e) {
          publishAck[p].recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
          publishFailedEvents[p].add(end - from);
          LoadStats.count(publishErrors, e.getClass().getSimpleName());
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private long dueMicros(long i) {
    return publishStartMicros + (long) (i * 1e6 / rate);
  }

  // ---------------------------------------------------------------- probes

  private void probe() {
    if (!running || probesInFlight.get() >= 60) {
      if (running) {
        probeFailures[phase].increment();
        LoadStats.count(probeFailureReasons, "60 probes already waiting");
      }
      return;
    }
    probesInFlight.incrementAndGet();
    new ProbeSession(phase, jwt.client("probe", "victim-probe")).connect();
  }

  private void healthCheck() {
    if (!running) {
      return;
    }
    int p = phase;
    if (!healthInFlight.tryAcquire()) {
      healthFailures[p].increment();
      LoadStats.count(healthFailureReasons, "6 checks already waiting");
      return;
    }
    healthPool.execute(
        () -> {
          try {
            Http.Response r =
                Http.once(CLIENT_SOURCE, remote, "GET", "/health", "", null, 5000, false);
            if (r.status() == 200) {
              health[p].recordValue(Math.max(1, r.micros()));
            } else {
              healthFailures[p].increment();
              LoadStats.count(healthFailureReasons, "http " + r.status());
            }
          } catch (Exception e) {
            healthFailures[p].increment();
            LoadStats.count(healthFailureReasons, e.getClass().getSimpleName());
          } finally {
            healthInFlight.release();
          }
        });
  }

  private final class ProbeSession implements Session {
    private final int p;
    private final String token;
    private final long start = System.nanoTime();
    private long handshakeAt;
    private boolean done;

    ProbeSession(int p, String token) {
      this.p = p;
      this.token = token;
    }

    void connect() {
      try {
        ws.connect(wsUri, remote, CLIENT_SOURCE, this)
            .addListener(
                f -> {
                  if (!f.isSuccess()) {
                    failed("connect: " + f.cause().getClass().getSimpleName());
                  }
                });
      } catch (RuntimeException e) {
        failed(e.getClass().getSimpleName());
      }
    }

    @Override
    public String handshake() {
      return Handshake.live(token, services);
    }

    @Override
    public void handshakeSent() {
      handshakeAt = System.nanoTime();
    }

    @Override
    public void opened(Channel channel, FrameParser.Frame ack) {
      long now = System.nanoTime();
      connectAck[p].recordValue(Math.max(1, (now - start) / 1000));
      handshakeAck[p].recordValue(Math.max(1, (now - handshakeAt) / 1000));
      finish();
      channel.close();
    }

    @Override
    public void failed(String reason) {
      if (!done) {
        probeFailures[p].increment();
        LoadStats.count(probeFailureReasons, reason);
      }
      finish();
    }

    @Override
    public void closed(String reason) {}

    @Override
    public void event(String orgId, long t, long n, long seq) {}

    private void finish() {
      if (!done) {
        done = true;
        probesInFlight.decrementAndGet();
      }
    }
  }

  // ---------------------------------------------------------------- subscribers

  private final class VictimClient implements Session {
    private final String org;
    private final int orgIndex;
    private final String token;
    private final CountDownLatch firstAck;
    private final BitSet received = new BitSet();
    private long lastSeq = -1;
    private String clientEpoch;
    private volatile boolean everOpened;
    private volatile Channel channel;
    private int attempts;

    VictimClient(String org, String token, CountDownLatch firstAck) {
      this.org = org;
      this.orgIndex = Integer.parseInt(org.substring(org.indexOf('-') + 1));
      this.token = token;
      this.firstAck = firstAck;
    }

    void connect() {
      if (!alive) {
        return;
      }
      ws.connect(wsUri, remote, CLIENT_SOURCE, this)
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  failed("connect: " + f.cause().getClass().getSimpleName());
                }
              });
    }

    @Override
    public synchronized String handshake() {
      return lastSeq >= 0 && clientEpoch != null
          ? Handshake.resume(token, services, lastSeq, clientEpoch)
          : Handshake.live(token, services);
    }

    @Override
    public void opened(Channel ch, FrameParser.Frame ack) {
      synchronized (this) {
        if (ack != null && ack.epoch != null) {
          clientEpoch = ack.epoch;
          epoch = ack.epoch;
          lastSeq = Math.max(lastSeq, ack.seq);
        }
      }
      channel = ch;
      attempts = 0;
      if (!everOpened) {
        everOpened = true;
        firstAck.countDown();
      }
    }

    @Override
    public void failed(String reason) {
      if (!everOpened) {
        LoadStats.count(closeReasons, "initial connect: " + reason);
        firstAck.countDown();
        return;
      }
      LoadStats.count(closeReasons, "reconnect: " + reason);
      retry();
    }

    @Override
    public void closed(String reason) {
      channel = null;
      if (!alive) {
        return;
      }
      disconnects[phase].increment();
      LoadStats.count(closeReasons, reason);
      retry();
    }

    private void retry() {
      if (alive && ++attempts <= 30) {
        reconnects.increment();
        timers.schedule(this::connect, Math.min(2000, 250L * attempts), TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void control(FrameParser.Frame frame) {
      if ("ping".equals(frame.type) && frame.seq > 0) {
        synchronized (this) {
          lastSeq = Math.max(lastSeq, frame.seq);
        }
      }
    }

    @Override
    public void event(String orgId, long t, long n, long seq) {
      long now = EpochMicros.now();
      if (!org.equals(orgId)) {
        foreign.increment();
        return;
      }
      int p = phaseAt(t);
      synchronized (this) {
        if (seq > lastSeq) {
          lastSeq = seq;
        }
        if (n < 0 || n > Integer.MAX_VALUE) {
          return;
        }
        if (received.get((int) n)) {
          duplicates[p].increment();
          return;
        }
        received.set((int) n);
      }
      eventLatency[p].recordValue(Math.min(LoadStats.MAX_MICROS, Math.max(1, now - t)));
    }

    /** Accepted events of this client's org it has not received, counted per phase. */
    synchronized void missing(BitSet acc, long upTo, long[] perPhase) {
      for (long i = orgIndex; i < upTo; i += orgs) {
        if (acc.get((int) i) && !received.get((int) (i / orgs))) {
          perPhase[phaseAt(dueMicros(i))]++;
        }
      }
    }
  }

  /**
   * Stops publishing (bounded by the publish timeout), waits up to {@code drainMs} until every
   * subscriber that ever opened has every accepted event, then closes everything.
   */
  void stop(long drainMs) throws InterruptedException {
    running = false;
    tasks.forEach(t -> t.cancel(false));
    if (publisher != null) {
      publisher.join(15_000);
    }
    long deadline = System.nanoTime() + drainMs * 1_000_000L;
    while (System.nanoTime() < deadline && totalMissing() > 0) {
      Thread.sleep(100);
    }
    alive = false;
    timers.shutdownNow();
    for (VictimClient c : subscribers) {
      Channel ch = c.channel;
      if (ch != null) {
        ch.close();
      }
    }
    healthPool.shutdownNow();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private long[] missingPerPhase() {
    long[] perPhase = new long[PHASES.length];
    BitSet acc;
    synchronized (accepted) {
      acc = (BitSet) accepted.clone();
    }
    for (VictimClient c : subscribers) {
      if (c.everOpened) {
        c.missing(acc, publishedUpTo, perPhase);
      }
    }
    return perPhase;
  }

  private long totalMissing() {
    long s = 0;
    for (long v : missingPerPhase()) {
      s += v;
    }
    return s;
  }

  /** Per-phase figures after {@link #stop}. */
  Map<String, Object> results() {
    long[] lost = missingPerPhase();
    Map<String, Object> r = new LinkedHashMap<>();
    int opened = 0;
    for (VictimClient c : subscribers) {
      opened += c.everOpened ? 1 : 0;
    }
    r.put("subscribers", clients);
    r.put("subscribersOpened", opened);
    r.put("orgs", orgs);
    r.put("eventsPerSec", rate);
    r.put("publishedEvents", publishedUpTo);
    synchronized (accepted) {
      r.put("acceptedEvents", accepted.cardinality());
    }
    long totalLost = 0;
    for (int p = 0; p < PHASES.length; p++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("eventLatencyMs", summary(eventLatency[p]));
      m.put("lost", lost[p]);
      m.put("duplicates", duplicates[p].sum());
      m.put("subscriberDisconnects", disconnects[p].sum());
      m.put("publishFailedEvents", publishFailedEvents[p].sum());
      m.put("publishAckMs", summary(publishAck[p]));
      m.put("connectToAckMs", summary(connectAck[p]));
      m.put("handshakeFrameToAckMs", summary(handshakeAck[p]));
      m.put("probeFailures", probeFailures[p].sum());
      m.put("healthMs", summary(health[p]));
      m.put("healthFailures", healthFailures[p].sum());
      r.put(PHASES[p], m);
      totalLost += lost[p];
    }
    r.put("lost", totalLost);
    r.put("foreignEvents", foreign.sum());
    r.put("reconnects", reconnects.sum());
    r.put("closeReasons", LoadStats.snapshot(closeReasons));
    r.put("probeFailureReasons", LoadStats.snapshot(probeFailureReasons));
    r.put("healthFailureReasons", LoadStats.snapshot(healthFailureReasons));
    r.put("publishErrors", LoadStats.snapshot(publishErrors));
    return r;
  }

  static Map<String, Object> summary(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    m.put("p50", LoadStats.ms(h, 50));
    m.put("p99", LoadStats.ms(h, 99));
    m.put("max", h.getTotalCount() == 0 ? 0.0 : h.getMaxValue() / 1000.0);
    return m;
  }
}
