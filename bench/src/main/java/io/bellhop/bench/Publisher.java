package io.bellhop.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * Publishes the {@link PublishPlan} over HTTP at its fixed aggregate rate, after an optional
 * warm-up at the same rate (events without {@code n}, ignored by receivers) so JIT compilation in
 * every process is done before measuring.
 *
 * <p>Orgs are partitioned over {@code lanes}; each lane has at most one request in flight, so one
 * org's events reach the server in publish order (concurrent requests for the same org could be
 * accepted in either order, which receivers would rightly count as out of order). Every tick the
 * events now due are queued on their lane and each idle lane sends up to {@code batch} of them as
 * one JSON array, so batches grow by themselves when the server acknowledges slowly. Works against
 * Bellhop ({@code POST /v2/realtime/events} with a publisher JWT) and the baseline ({@code POST
 * /publish}). Besides accepted/failed counts it measures the publish acknowledgement time (for
 * Bellhop: durable write to JetStream) and how far sending fell behind schedule, which shows when
 * the publisher, not the server, is the bottleneck.
 */
final class Publisher {
  private final URI url;
  private final String bearer;
  private final PublishPlan plan;
  private final EventFactory events;
  private final int batchMax;
  private final long tickNanos;
  private final int lanes;
  private final long warmupEvents;
  private final LongAdder accepted = new LongAdder();
  private final LongAdder failedEvents = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder failedRequests = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Recorder ackMicros = new Recorder(1, LoadStats.MAX_MICROS, 3);

  Publisher(
      URI url,
      String bearer,
      PublishPlan plan,
      EventFactory events,
      int batchMax,
      double tickMs,
      int lanes,
      double warmupSec) {
    Loopback.require(url);
    this.url = url;
    this.bearer = bearer;
    this.plan = plan;
    this.events = events;
    this.batchMax = batchMax;
    this.tickNanos = (long) (tickMs * 1e6);
    this.lanes = lanes;
    this.warmupEvents = (long) (warmupSec * plan.eventsPerSec());
  }

  static Publisher fromArgs(Args a, PublishPlan plan) {
    String target = a.str("target", "bellhop");
    boolean bellhop = target.equals("bellhop");
    String url =
        a.str(
            "publish-url",
            bellhop
                ? "http://127.0.0.1:8080/v2/realtime/events"
                : "http://127.0.0.1:18090/publish");
    String bearer = bellhop ? Jwt.fromEnv().publisher() : null;
    String runId = a.str("run-id", "b" + Long.toString(System.currentTimeMillis(), 36));
    EventFactory f =
        new EventFactory(
            runId, a.str("service", "finance"), "bench.tick", a.integer("event-size", 256));
    return new Publisher(
        URI.create(url),
        bearer,
        plan,
        f,
        a.integer("batch", 500),
        a.dbl("tick-ms", 5),
        a.integer("lanes", 4),
        a.dbl("warmup", 0));
  }

  static int run(Args a) throws Exception {
    PublishPlan plan = PublishPlan.fromArgs(a);
    Publisher p = fromArgs(a, plan);
    System.out.printf(
        "publish: %d warm-up + %d events (%d orgs x %d) at %.0f/s -> %s%n",
        p.warmupEvents, plan.total(), plan.orgs(), plan.perOrg(), plan.eventsPerSec(), p.url);
    Map<String, Object> r =
        p.publish(a.dbl("max-seconds", plan.durationSec() * 2 + a.dbl("warmup", 0) + 30));
    Json.write(new java.io.File(a.str("out", "publisher-result.json")), r);
    System.out.println(Json.toString(r));
    return ((Number) r.get("failedEvents")).longValue() == 0 ? 0 : 1;
  }

  /** Runs warm-up and schedule to completion (or {@code maxSeconds}); returns the figures. */
  Map<String, Object> publish(double maxSeconds) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(pool)
            .build();
    int laneCount = Math.max(1, Math.min(lanes, plan.orgs()));
    List<ArrayDeque<Long>> queues = new ArrayList<>();
    for (int i = 0; i < laneCount; i++) {
      queues.add(new ArrayDeque<>());
    }
    AtomicIntegerArray busy = new AtomicIntegerArray(laneCount);
    long total = warmupEvents + plan.total();
    long start = System.nanoTime();
    long deadline = start + (long) (maxSeconds * 1e9);
    long next = 0;
    long queued = 0;
    double maxLagMs = 0;
    while ((next < total || queued > 0) && System.nanoTime() < deadline) {
      long elapsed = System.nanoTime() - start;
      long due = Math.min(total, (long) (elapsed / 1e9 * plan.eventsPerSec()) + 1);
      for (; next < due; next++, queued++) {
        long item = next < warmupEvents ? -(next + 1) : next - warmupEvents;
        queues.get((int) (orgIndex(item) % laneCount)).add(item);
      }
      for (int l = 0; l < laneCount; l++) {
        ArrayDeque<Long> q = queues.get(l);
        if (!q.isEmpty() && busy.compareAndSet(l, 0, 1)) {
          long head = q.peek();
          if (head >= 0) { // lag behind schedule, measured phase only
            double dueNs = position(head) / plan.eventsPerSec() * 1e9;
            maxLagMs = Math.max(maxLagMs, (elapsed - dueNs) / 1e6);
          }
          int b = Math.min(batchMax, q.size());
          long[] items = new long[b];
          for (int j = 0; j < b; j++) {
            items[j] = q.poll();
          }
          queued -= b;
          int lane = l;
          send(http, items, () -> busy.set(lane, 0));
        }
      }
      LockSupport.parkNanos(tickNanos);
    }
    double sendSeconds = (System.nanoTime() - start) / 1e9;
    long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean drained = false;
    while (!drained && System.nanoTime() < drainUntil) {
      drained = true;
      for (int l = 0; l < laneCount; l++) {
        drained &= busy.get(l) == 0;
      }
      Thread.sleep(drained ? 0 : 10);
    }
    pool.shutdownNow();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("mode", "publish");
    r.put("url", url.toString());
    r.put("warmupEvents", warmupEvents);
    r.put("plannedEvents", plan.total());
    r.put("sentEvents", next - queued);
    r.put("acceptedEvents", accepted.sum());
    r.put("failedEvents", failedEvents.sum() + (total - next + queued));
    r.put("requests", requests.sum());
    r.put("failedRequests", failedRequests.sum());
    r.put("errors", LoadStats.snapshot(errors));
    r.put("drained", drained);
    r.put("lanes", laneCount);
    r.put("plannedEventsPerSec", plan.eventsPerSec());
    r.put("sendSeconds", sendSeconds);
    r.put("actualEventsPerSec", (next - queued) / Math.max(1e-3, sendSeconds));
    r.put(
        "lagNote",
        "maxLagMs: how late the measured events left vs schedule (t is stamped at send)");
    r.put("maxLagMs", maxLagMs);
    var h = ackMicros.getIntervalHistogram();
    r.put("ackP50Ms", LoadStats.ms(h, 50));
    r.put("ackP99Ms", LoadStats.ms(h, 99));
    r.put("ackMaxMs", h.getMaxValue() / 1000.0);
    return r;
  }

  /** Org index of a queued item: warm-up items are encoded as -(w + 1). */
  private long orgIndex(long item) {
    return (item < 0 ? -(item + 1) : item) % plan.orgs();
  }

  /** Position of an item in the combined warm-up + plan schedule. */
  private long position(long item) {
    return item < 0 ? -(item + 1) : item + warmupEvents;
  }

  private void send(HttpClient http, long[] items, Runnable done) {
    StringBuilder sb = new StringBuilder(items.length * 260 + 2).append('[');
    long t = EpochMicros.now();
    for (int j = 0; j < items.length; j++) {
      if (j > 0) {
        sb.append(',');
      }
      long item = items[j];
      if (item < 0) {
        long w = -(item + 1);
        events.append(sb, plan.org(w), "w" + w, -1, t);
      } else {
        events.append(sb, plan.org(item), Long.toString(item), item / plan.orgs(), t);
      }
    }
    sb.append(']');
    HttpRequest.Builder req =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(sb.toString()));
    if (bearer != null) {
      req.header("Authorization", "Bearer " + bearer);
    }
    int b = items.length;
    long sent = System.nanoTime();
    requests.increment();
    http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray())
        .whenComplete(
            (resp, err) -> {
              ackMicros.recordValue(
                  Math.min(LoadStats.MAX_MICROS, (System.nanoTime() - sent) / 1000));
              if (err != null) {
                fail(b, err.getClass().getSimpleName());
              } else if (resp.statusCode() / 100 != 2) {
                fail(b, "http " + resp.statusCode());
              } else {
                accepted.add(acceptedCount(resp.body(), b));
              }
              done.run();
            });
  }

  private void fail(int events, String reason) {
    failedRequests.increment();
    failedEvents.add(events);
    LoadStats.count(errors, reason);
  }

  @SuppressWarnings("unchecked")
  private static long acceptedCount(byte[] body, int sent) {
    try {
      Object o = Json.parse(body);
      if (o instanceof Map<?, ?> m && m.get("accepted") instanceof Number n) {
        return n.longValue();
      }
    } catch (Exception e) {
      // a body that is not JSON still means 2xx: count what was sent
    }
    return sent;
  }
}
