package io.bellhop.bench;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Combines the JSON parts of one scenario run (one or more load generator processes, the publisher,
 * server and client resource samples from the script) into the final result: sums counters, merges
 * the latency histograms exactly (not averaged percentiles) and derives deliveries/s and memory per
 * connection. Prints the one-line summary.
 */
final class Report {
  private static final List<String> SUMS =
      List.of(
          "count",
          "connected",
          "connectFailures",
          "connectRetries",
          "closedEarly",
          "deliveries",
          "expectedDeliveries",
          "lost",
          "connectionsWithLoss",
          "duplicates",
          "outOfOrder",
          "foreignOrg",
          "warmupDeliveries",
          "badFrames",
          "pings",
          "wireBytesIn",
          "resumes",
          "resumesRecovered",
          "resumeFailures");
  private static final List<String> FIRST =
      List.of(
          "protocol",
          "url",
          "transport",
          "totalConnections",
          "orgs",
          "eventsPerOrg",
          "plannedEventsPerSec",
          "offeredDeliveriesPerSec");

  private Report() {}

  static int run(Args a) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    for (String kv : a.all("meta")) {
      int eq = kv.indexOf('=');
      String v = kv.substring(eq + 1);
      r.put(kv.substring(0, eq), v.matches("-?\\d+") ? (Object) Long.parseLong(v) : v);
    }
    List<String> loads = a.all("load");
    Map<String, Object> load = merge(loads);
    r.putAll(load);
    r.put("loadProcesses", loads.size());
    putPart(r, "publisher", a.str("publisher", null));
    putPart(r, "client", a.str("client", null));
    for (String kv : a.all("part")) {
      putPart(r, kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    Map<String, Object> server = putPart(r, "server", a.str("server", null));
    if (server != null) {
      long connected = Json.num(load, "connected");
      long idle = Json.num(server, "rssIdleKb");
      long withConns = Json.num(server, "rssConnectedKb");
      if (connected > 0 && withConns > 0) {
        server.put("rssPerConnectionKb", (withConns - idle) / (double) connected);
      }
    }
    File out = new File(a.str("out", "result.json"));
    Json.write(out, r);
    System.out.println(summary(r) + " -> " + out);
    return 0;
  }

  private static Map<String, Object> putPart(Map<String, Object> r, String key, String file)
      throws Exception {
    if (file == null || !new File(file).isFile()) {
      return null;
    }
    Map<String, Object> part = Json.parseObject(new File(file));
    r.put(key, part);
    return part;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> merge(List<String> files) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    Histogram h = new Histogram(1, LoadStats.MAX_MICROS, 3);
    long firstD = Long.MAX_VALUE;
    long lastD = 0;
    double connectSeconds = 0;
    Map<String, Long> failures = new TreeMap<>();
    Map<String, Long> closes = new TreeMap<>();
    for (String f : files) {
      Map<String, Object> p = Json.parseObject(new File(f));
      for (String k : FIRST) {
        m.putIfAbsent(k, p.get(k));
      }
      for (String k : SUMS) {
        m.put(k, Json.num(m, k) + Json.num(p, k));
      }
      long fd = Json.num(p, "firstDeliveryMicros");
      if (fd > 0) {
        firstD = Math.min(firstD, fd);
      }
      lastD = Math.max(lastD, Json.num(p, "lastDeliveryMicros"));
      connectSeconds = Math.max(connectSeconds, Json.dbl(p, "connectSeconds"));
      for (String k : List.of("resumeAckP50Ms", "resumeAckP99Ms")) { // the worst process
        m.put(k, Math.max(Json.dbl(m, k), Json.dbl(p, k)));
      }
      ((Map<String, Object>) p.getOrDefault("failureReasons", Map.of()))
          .forEach((k, v) -> failures.merge(k, ((Number) v).longValue(), Long::sum));
      ((Map<String, Object>) p.getOrDefault("closeReasons", Map.of()))
          .forEach((k, v) -> closes.merge(k, ((Number) v).longValue(), Long::sum));
      Object enc = p.get("histogram");
      if (enc instanceof String s && !s.isEmpty()) {
        h.add(
            Histogram.decodeFromCompressedByteBuffer(
                ByteBuffer.wrap(Base64.getDecoder().decode(s)), 1));
      }
    }
    m.put("connections", m.remove("count"));
    long received = Json.num(m, "deliveries") + Json.num(m, "warmupDeliveries");
    m.put(
        "wireBytesPerDelivery",
        received > 0 ? Json.num(m, "wireBytesIn") / (double) received : 0.0);
    m.put("connectSeconds", connectSeconds);
    m.put("failureReasons", failures);
    m.put("closeReasons", closes);
    double span = firstD == Long.MAX_VALUE ? 0 : (lastD - firstD) / 1e6;
    m.put("deliverySeconds", span);
    m.put("deliveriesPerSec", span > 0 ? Json.num(m, "deliveries") / span : 0.0);
    putLatency(m, h);
    return m;
  }

  /** Latency percentiles in ms plus the compressed histogram, so parts can be merged later. */
  static void putLatency(Map<String, Object> r, Histogram h) {
    r.put("latencySamples", h.getTotalCount());
    r.put("p50Ms", LoadStats.ms(h, 50));
    r.put("p90Ms", LoadStats.ms(h, 90));
    r.put("p99Ms", LoadStats.ms(h, 99));
    r.put("p999Ms", LoadStats.ms(h, 99.9));
    r.put("maxMs", h.getMaxValue() / 1000.0);
    r.put("meanMs", h.getTotalCount() == 0 ? 0.0 : h.getMean() / 1000.0);
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int len = h.encodeIntoCompressedByteBuffer(buf);
    r.put(
        "histogram", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len)));
  }

  static String loadSummary(Map<String, Object> r) {
    return String.format(
        "%s/%s conns open, %s failed | %s deliveries (expected %s) | p50 %.2f p90 %.2f p99 %.2f"
            + " p99.9 %.2f max %.1f ms | lost %s dup %s ooo %s foreign %s",
        r.get("connected"),
        r.getOrDefault("count", r.get("connections")),
        r.get("connectFailures"),
        r.get("deliveries"),
        r.get("expectedDeliveries"),
        Json.dbl(r, "p50Ms"),
        Json.dbl(r, "p90Ms"),
        Json.dbl(r, "p99Ms"),
        Json.dbl(r, "p999Ms"),
        Json.dbl(r, "maxMs"),
        r.get("lost"),
        r.get("duplicates"),
        r.get("outOfOrder"),
        r.get("foreignOrg"));
  }

  @SuppressWarnings("unchecked")
  static String summary(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%s %s: %s/%s conns, %s orgs, offered %.0f/s delivered %.0f/s | p50 %.2f p99 %.2f"
                + " p99.9 %.2f max %.1f ms | lost %s dup %s ooo %s foreign %s | connect failures %s"
                + " closed %s",
            r.get("scenario"),
            r.get("target"),
            r.get("connected"),
            r.get("connections"),
            r.get("orgs"),
            Json.dbl(r, "offeredDeliveriesPerSec"),
            Json.dbl(r, "deliveriesPerSec"),
            Json.dbl(r, "p50Ms"),
            Json.dbl(r, "p99Ms"),
            Json.dbl(r, "p999Ms"),
            Json.dbl(r, "maxMs"),
            r.get("lost"),
            r.get("duplicates"),
            r.get("outOfOrder"),
            r.get("foreignOrg"),
            r.get("connectFailures"),
            r.get("closedEarly")));
    if (r.get("publisher") instanceof Map<?, ?> p) {
      Map<String, Object> pub = (Map<String, Object>) p;
      sb.append(
          String.format(
              " | publish failed %s ack p99 %.1f ms",
              pub.get("failedEvents"), Json.dbl(pub, "ackP99Ms")));
      double planned = Json.dbl(pub, "plannedEventsPerSec");
      if (Json.dbl(pub, "actualEventsPerSec") < 0.95 * planned) {
        sb.append(
            String.format(
                " | WARNING publisher reached only %.0f of %.0f events/s (max lag %.0f ms)",
                Json.dbl(pub, "actualEventsPerSec"), planned, Json.dbl(pub, "maxLagMs")));
      }
    }
    if (r.get("server") instanceof Map<?, ?> s) {
      Map<String, Object> srv = (Map<String, Object>) s;
      sb.append(
          String.format(
              " | server cpu avg %.0f%% peak %.0f%%, rss idle %.0f MB peak %.0f MB, %.1f KB/conn",
              Json.dbl(srv, "cpuAvgPct"),
              Json.dbl(srv, "cpuPeakPct"),
              Json.num(srv, "rssIdleKb") / 1024.0,
              Json.num(srv, "rssPeakKb") / 1024.0,
              Json.dbl(srv, "rssPerConnectionKb")));
    }
    if (r.get("nats") instanceof Map<?, ?> n) {
      Map<String, Object> nats = (Map<String, Object>) n;
      sb.append(
          String.format(
              " | nats cpu avg %.0f%% rss peak %.0f MB",
              Json.dbl(nats, "cpuAvgPct"), Json.num(nats, "rssPeakKb") / 1024.0));
    }
    if (r.get("client") instanceof Map<?, ?> c) {
      sb.append(
          String.format(
              " | client cpu avg %.0f%%", Json.dbl((Map<String, Object>) c, "cpuAvgPct")));
    }
    return sb.toString();
  }
}
