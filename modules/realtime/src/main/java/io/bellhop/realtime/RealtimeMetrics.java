package io.bellhop.realtime;

import io.bellhop.platform.ConnectionGuard;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The kernel's meters: per endpoint ({@code endpoint=<SocketSpec.name>}) the sockets open, opened,
 * ended by an error and cut as slow consumers; node-wide the cap refusals and the HTTP server's
 * connection admission. Lock-free on the per-socket paths.
 */
final class RealtimeMetrics {
  static final String[] FALLBACK_TRANSPORTS = {"websocket", "sse", "poll"};

  /** One endpoint's counters. */
  static final class Endpoint {
    final AtomicInteger active = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder slowConsumers = new LongAdder();
  }

  private final MeterRegistry registry;
  private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();

  RealtimeMetrics(MeterRegistry registry, ConnectionGuard guard) {
    this.registry = registry;
    for (Admission.Limit limit : Admission.Limit.values()) {
      for (String transport : FALLBACK_TRANSPORTS) {
        refusalCounter(limit, transport);
      }
    }
    for (ConnectionGuard.Refusal r : ConnectionGuard.Refusal.values()) {
      FunctionCounter.builder("bellhop.http.connections.refused", guard, g -> g.refused(r))
          .tag("reason", r.tag())
          .description("TCP connections closed at accept by a connection cap")
          .register(registry);
    }
    for (boolean keepAlive : new boolean[] {false, true}) {
      FunctionCounter.builder(
              "bellhop.http.request.head.timeouts", guard, g -> g.headTimeouts(keepAlive))
          .tag("phase", keepAlive ? "keep-alive" : "first")
          .description("connections closed because a request head did not arrive in time")
          .register(registry);
    }
    Gauge.builder("bellhop.http.connections.open", guard, ConnectionGuard::openConnections)
        .description("open TCP connections of the HTTP server")
        .register(registry);
    Gauge.builder(
            "bellhop.http.connections.unauthenticated",
            guard,
            ConnectionGuard::unauthenticatedConnections)
        .description("open connections that have not carried a valid token yet")
        .register(registry);
  }

  Endpoint endpoint(String name) {
    return endpoints.computeIfAbsent(name, this::register);
  }

  private Endpoint register(String name) {
    var e = new Endpoint();
    Gauge.builder("bellhop.realtime.connections.open", e.active, AtomicInteger::get)
        .tag("endpoint", name)
        .description("sockets open on this node")
        .register(registry);
    counter(name, "bellhop.realtime.connections.total", e.total, "sockets accepted");
    counter(name, "bellhop.realtime.errors", e.errors, "sockets refused or ended by an error");
    counter(name, "bellhop.realtime.slow.consumers", e.slowConsumers, "sockets cut with 4509");
    return e;
  }

  private void counter(String endpoint, String name, LongAdder adder, String description) {
    FunctionCounter.builder(name, adder, LongAdder::sum)
        .tag("endpoint", endpoint)
        .description(description)
        .register(registry);
  }

  /** A connection refused by a per-user or per-org cap. */
  void refused(Admission.Limit limit, String transport) {
    refusalCounter(limit, transport).increment();
  }

  private LongAdder refusalCounter(Admission.Limit limit, String transport) {
    return refusals.computeIfAbsent(
        limit.tag + "/" + transport,
        key -> {
          var adder = new LongAdder();
          FunctionCounter.builder("bellhop.realtime.refused", adder, LongAdder::sum)
              .tag("limit", limit.tag)
              .tag("transport", transport)
              .description("connections refused by a per-user or per-org cap (4429 / HTTP 429)")
              .register(registry);
          return adder;
        });
  }

  /** Refusals so far, keyed {@code "<limit>/<transport>"}. */
  Map<String, Long> refusals() {
    var out = new java.util.TreeMap<String, Long>();
    refusals.forEach((k, n) -> out.put(k, n.sum()));
    return out;
  }
}
