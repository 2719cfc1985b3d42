package io.bellhop.events.stream;

import io.bellhop.events.Service;
import io.bellhop.platform.ConnectionGuard;
import io.bellhop.platform.HttpLimits;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The stream's counters, exported both to Micrometer (Prometheus at {@code /prometheus}) and as the
 * JSON of {@code GET /v2/realtime/metrics}. Latency is measured from the moment the log accepted an
 * event to the moment its frame was written to the client's socket (live deliveries only; replays
 * are counted, not timed). Hot: updated per frame, lock-free.
 */
@Singleton
class StreamMetrics {
  private static final String[] TRANSPORTS = {"websocket", "sse", "poll"};

  private final LongAdder totalConnections = new LongAdder();
  private final LongAdder eventsDelivered = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder compressedMessages = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder slowConsumers = new LongAdder();
  private final LongAdder latencySumMicros = new LongAdder();
  private final LongAdder latencySamples = new LongAdder();
  private final Map<Service, LongAdder> byService = new EnumMap<>(Service.class);

  /** Refusals by the per-user and per-org caps, keyed {@code "<limit>/<transport>"}. */
  private final Map<String, LongAdder> refusals = new LinkedHashMap<>();

  private final ConnectionGuard guard;
  private final Recorder latency = new Recorder(3_600_000_000L, 3);
  private final Histogram latencyTotal = new Histogram(3_600_000_000L, 3);
  private final Timer latencyTimer;

  /** For unit tests: a guard of its own, with default limits. */
  StreamMetrics(MeterRegistry registry) {
    this(registry, new ConnectionGuard(new HttpLimits()));
  }

  @Inject
  StreamMetrics(MeterRegistry registry, ConnectionGuard guard) {
    this.guard = guard;
    for (Admission.Limit limit : Admission.Limit.values()) {
      for (String transport : TRANSPORTS) {
        LongAdder adder = new LongAdder();
        refusals.put(limit.tag + "/" + transport, adder);
        FunctionCounter.builder("bellhop.stream.refused", adder, LongAdder::sum)
            .tag("limit", limit.tag)
            .tag("transport", transport)
            .description("connections refused by a per-user or per-org cap (4429 / HTTP 429)")
            .register(registry);
      }
    }
    for (ConnectionGuard.Refusal r : ConnectionGuard.Refusal.values()) {
      FunctionCounter.builder("bellhop.http.connections.refused", guard, g -> g.refused(r))
          .tag("reason", r.tag())
          .description("TCP connections closed at accept by a connection cap")
          .register(registry);
    }
    FunctionCounter.builder("bellhop.http.request.head.timeouts", guard, g -> g.headTimeouts(false))
        .tag("phase", "first")
        .description("connections closed because a request head did not arrive in time")
        .register(registry);
    FunctionCounter.builder("bellhop.http.request.head.timeouts", guard, g -> g.headTimeouts(true))
        .tag("phase", "keep-alive")
        .description("connections closed because a request head did not arrive in time")
        .register(registry);
    Gauge.builder("bellhop.http.connections.open", guard, ConnectionGuard::openConnections)
        .description("open TCP connections of the HTTP server")
        .register(registry);
    Gauge.builder(
            "bellhop.http.connections.unauthenticated",
            guard,
            ConnectionGuard::unauthenticatedConnections)
        .description("open connections that have not carried a valid token yet")
        .register(registry);
    for (Service s : Service.values()) {
      LongAdder adder = new LongAdder();
      byService.put(s, adder);
      FunctionCounter.builder("bellhop.stream.events.delivered", adder, LongAdder::sum)
          .tag("service", s.wireName())
          .description("events written to stream clients")
          .register(registry);
    }
    counter(registry, "bellhop.stream.connections.total", totalConnections, "connections accepted");
    counter(registry, "bellhop.stream.errors", errors, "sessions refused or ended by an error");
    counter(
        registry, "bellhop.stream.events.replayed", replayed, "missed events replayed on resume");
    counter(registry, "bellhop.stream.slow.consumers", slowConsumers, "clients cut with 4509");
    counter(
        registry,
        "bellhop.stream.frames.compressed",
        compressedMessages,
        "frames sent with permessage-deflate");
    latencyTimer =
        Timer.builder("bellhop.stream.latency")
            .description("log accepted → frame written, live deliveries")
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(registry);
  }

  private static void counter(MeterRegistry r, String name, LongAdder adder, String description) {
    FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(r);
  }

  void connected() {
    totalConnections.increment();
  }

  void deliveredTo(Service service, int events, boolean compressed) {
    byService.get(service).add(events);
    if (compressed) {
      compressedMessages.increment();
    }
  }

  /** A frame of {@code events} live events was written; {@code appendedAtMicros} 0 = replay. */
  void delivered(int events, long appendedAtMicros) {
    eventsDelivered.add(events);
    if (appendedAtMicros > 0) {
      java.time.Instant t = java.time.Instant.now();
      long now = t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
      long micros = Math.max(0, now - appendedAtMicros);
      latency.recordValueWithCount(Math.min(micros, 3_600_000_000L), events);
      latencySumMicros.add(micros * events);
      latencySamples.add(events);
      latencyTimer.record(micros, TimeUnit.MICROSECONDS);
    }
  }

  void replayed(int events) {
    replayed.add(events);
  }

  /** A connection refused by a per-user or per-org cap; transport websocket, sse or poll. */
  void refused(Admission.Limit limit, String transport) {
    refusals.get(limit.tag + "/" + transport).increment();
  }

  void slowConsumer() {
    slowConsumers.increment();
  }

  void error() {
    errors.increment();
  }

  /** The JSON body of {@code GET /v2/realtime/metrics}. */
  synchronized Map<String, Object> snapshot(int activeConnections, long subscriptions) {
    latencyTotal.add(latency.getIntervalHistogram());
    var m = new LinkedHashMap<String, Object>();
    m.put("activeConnections", activeConnections);
    m.put("totalConnections", totalConnections.sum());
    m.put("eventsDelivered", eventsDelivered.sum());
    var services = new LinkedHashMap<String, Long>();
    byService.forEach((s, n) -> services.put(s.wireName(), n.sum()));
    m.put("eventsByService", services);
    m.put("errorCount", errors.sum());
    long samples = latencySamples.sum();
    m.put("avgLatencyMs", samples == 0 ? 0.0 : latencySumMicros.sum() / 1000.0 / samples);
    m.put("p50LatencyMs", latencyTotal.getValueAtPercentile(50) / 1000.0);
    m.put("p95LatencyMs", latencyTotal.getValueAtPercentile(95) / 1000.0);
    m.put("p99LatencyMs", latencyTotal.getValueAtPercentile(99) / 1000.0);
    m.put("totalSubscriptions", subscriptions);
    m.put("compressedMessages", compressedMessages.sum());
    m.put("missedEventsReplayed", replayed.sum());
    m.put("slowConsumerDisconnects", slowConsumers.sum());
    var refused = new LinkedHashMap<String, Long>();
    refusals.forEach((k, n) -> refused.put(k, n.sum()));
    for (ConnectionGuard.Refusal r : ConnectionGuard.Refusal.values()) {
      refused.put("accept/" + r.tag(), guard.refused(r));
    }
    refused.put("requestHeadTimeouts", guard.headTimeouts(false));
    m.put("refusedConnections", refused);
    m.put("openHttpConnections", guard.openConnections());
    m.put("unauthenticatedConnections", guard.unauthenticatedConnections());
    return m;
  }
}
