package io.bellhop.events.stream;

import io.bellhop.events.Service;
import io.bellhop.platform.ConnectionGuard;
import io.bellhop.platform.HttpLimits;
import io.bellhop.realtime.ConnectionSlot;
import io.bellhop.realtime.SocketStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The stream's counters, exported both to Micrometer (Prometheus at {@code /prometheus}) and as the
 * JSON of {@code GET /v2/realtime/metrics}. Latency is measured from the moment the log accepted an
 * event to the moment its frame was written to the client's socket (live deliveries only; replays
 * are counted, not timed). Open connections are counted on every transport: the kernel counts the
 * sockets, this class the SSE feeds and waiting long-polls. Hot: updated per frame, lock-free.
 */
@Singleton
public class StreamMetrics {
  /** The HTTP transports a stream client falls back to when WebSockets are blocked. */
  public enum Fallback {
    SSE,
    POLL;

    private final String tag = name().toLowerCase(Locale.ROOT);

    /**
     * The transport's name in metrics, refusals and the client's health: {@code sse}, {@code poll}.
     */
    public String tag() {
      return tag;
    }
  }

  private final LongAdder eventsDelivered = new LongAdder();
  private final LongAdder compressedMessages = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder latencySumMicros = new LongAdder();
  private final LongAdder latencySamples = new LongAdder();
  private final Map<Service, LongAdder> byService = new EnumMap<>(Service.class);
  private final Map<Fallback, AtomicInteger> openFallbacks = new EnumMap<>(Fallback.class);

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
    for (Service s : Service.values()) {
      LongAdder adder = new LongAdder();
      byService.put(s, adder);
      FunctionCounter.builder("bellhop.stream.events.delivered", adder, LongAdder::sum)
          .tag("service", s.wireName())
          .description("events written to stream clients")
          .register(registry);
    }
    for (Fallback f : Fallback.values()) {
      AtomicInteger open = new AtomicInteger();
      openFallbacks.put(f, open);
      Gauge.builder("bellhop.stream.fallback.connections.open", open, AtomicInteger::get)
          .tag("transport", f.tag())
          .description("SSE feeds or waiting long-polls open on this node")
          .register(registry);
    }
    counter(
        registry, "bellhop.stream.events.replayed", replayed, "missed events replayed on resume");
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

  /**
   * Counts a fallback connection as open while it holds {@code slot}. The returned slot releases
   * {@code slot} and ends the count, once, however often it is released.
   */
  ConnectionSlot counted(Fallback transport, ConnectionSlot slot) {
    AtomicInteger open = openFallbacks.get(transport);
    open.incrementAndGet();
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        open.decrementAndGet();
        slot.release();
      }
    };
  }

  /** The JSON body of {@code GET /v2/realtime/metrics}. */
  public synchronized Map<String, Object> snapshot(SocketStats sockets, long subscriptions) {
    latencyTotal.add(latency.getIntervalHistogram());
    var m = new LinkedHashMap<String, Object>();
    var active = new LinkedHashMap<String, Integer>();
    active.put("websocket", sockets.open());
    openFallbacks.forEach((f, n) -> active.put(f.tag(), n.get()));
    m.put("activeConnections", active.values().stream().mapToInt(Integer::intValue).sum());
    m.put("activeByTransport", active);
    m.put("totalConnections", sockets.total());
    m.put("eventsDelivered", eventsDelivered.sum());
    var services = new LinkedHashMap<String, Long>();
    byService.forEach((s, n) -> services.put(s.wireName(), n.sum()));
    m.put("eventsByService", services);
    m.put("errorCount", sockets.errors());
    long samples = latencySamples.sum();
    m.put("avgLatencyMs", samples == 0 ? 0.0 : latencySumMicros.sum() / 1000.0 / samples);
    m.put("p50LatencyMs", latencyTotal.getValueAtPercentile(50) / 1000.0);
    m.put("p95LatencyMs", latencyTotal.getValueAtPercentile(95) / 1000.0);
    m.put("p99LatencyMs", latencyTotal.getValueAtPercentile(99) / 1000.0);
    m.put("totalSubscriptions", subscriptions);
    m.put("compressedMessages", compressedMessages.sum());
    m.put("missedEventsReplayed", replayed.sum());
    m.put("slowConsumerDisconnects", sockets.slowConsumers());
    var refused = new LinkedHashMap<String, Long>(sockets.refused());
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
