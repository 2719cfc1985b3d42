package io.bellhop.bench;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code attack} mode: replays hostile clients against a running Bellhop node and measures whether
 * other clients kept their latency. For each attack, with fresh victims ({@link Victims}): a
 * warm-up, the victims alone for {@code --seconds} ("before"), the same while the attack runs
 * ("during"), then {@code --after} seconds without it ("after", did they recover?), then a drain
 * that checks every accepted event off. The server is sampled from /proc when {@code --server-pid}
 * is given. One table row per attack; JSON with every figure.
 *
 * <p>Exit code 1 when a victim lost events, a victim received another org's events, or a claims
 * attack read a victim org's events; 2 when no attack could run.
 */
final class AttackSuite {
  private AttackSuite() {}

  static int run(Args a) throws Exception {
    String stamp =
        LocalDateTime.now(ZoneId.systemDefault())
            .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    File out = new File(a.str("out", "bench/results/attack-" + stamp + ".json"));
    if (a.has("merge")) {
      return merge(a, out);
    }
    URI http = URI.create(a.str("http", "http://127.0.0.1:8080"));
    InetSocketAddress remote = Loopback.require(http);
    List<String> names = Arrays.asList(a.str("attacks", Attacks.ALL).split("\\s*,\\s*"));
    for (String n : names) {
      Attacks.create(n); // fail fast on a typo
    }
    double seconds = a.dbl("seconds", 15);
    double warmup = a.dbl("warmup", 10);
    double after = a.dbl("after", 10);
    long serverPid = a.longValue("server-pid", -1);
    int victims = a.integer("victims", 50);
    int orgs = a.integer("victim-orgs", 5);
    double rate = a.dbl("rate", 200);
    long probeMs = a.longValue("probe-ms", 200);
    long drainMs = (long) (a.dbl("drain", 30) * 1000);
    Jwt jwt = Jwt.fromEnv();

    System.out.printf(
        "attack suite -> %s: %s; %d victims over %d orgs at %.0f events/s, probe every %d ms;"
            + " phases warm-up %.0fs, before %.0fs, during %.0fs, after %.0fs; server pid %s%n",
        http,
        String.join(",", names),
        victims,
        orgs,
        rate,
        probeMs,
        warmup,
        seconds,
        seconds,
        after,
        serverPid > 0 ? serverPid : "-");
    List<Object> results = new ArrayList<>();
    for (String name : names) {
      Map<String, Object> r =
          runOne(
              name, http, remote, jwt, seconds, warmup, after, serverPid, victims, orgs, rate,
              probeMs, drainMs);
      results.add(r);
      System.out.println("  " + name + ": " + row(r));
      write(out, results, a);
    }
    System.out.println();
    System.out.print(table(results));
    System.out.println("JSON: " + out);
    return exitCode(results);
  }

  private static void write(File out, List<Object> results, Args a) throws Exception {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("mode", "attack");
    doc.put("timestamp", LocalDateTime.now(ZoneId.systemDefault()).toString());
    doc.put("cores", Runtime.getRuntime().availableProcessors());
    for (String m : a.all("meta")) {
      int eq = m.indexOf('=');
      if (eq > 0) {
        doc.put(m.substring(0, eq), m.substring(eq + 1));
      }
    }
    doc.put("attacks", results);
    Json.write(out, doc);
  }

  private static Map<String, Object> runOne(
      String name,
      URI http,
      InetSocketAddress remote,
      Jwt jwt,
      double seconds,
      double warmup,
      double after,
      long serverPid,
      int victims,
      int orgs,
      double rate,
      long probeMs,
      long drainMs)
      throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("attack", name);
    System.out.printf(
        "[%s] %s: checking /health%n",
        LocalDateTime.now(ZoneId.systemDefault()).toLocalTime().withNano(0), name);
    if (!healthy(remote, 15)) {
      r.put("skipped", "server not healthy before the attack");
      return r;
    }
    List<String> phases = List.of(Victims.PHASES);
    ServerProbe server = serverPid > 0 ? new ServerProbe(serverPid, phases.size()) : null;
    ServerProbe self = new ServerProbe(ServerProbe.self(), phases.size());
    Victims v = new Victims(http, jwt, victims, orgs, rate, probeMs);
    Attacks.Attack attack = Attacks.create(name);
    attack.prepare();
    boolean leaked = false;
    try {
      int opened = v.connect(20_000);
      if (opened == 0) {
        r.put("skipped", "no victim could connect");
        v.stop(0);
        r.put("victims", v.results());
        return r;
      }
      v.start();
      phase(0, v, server, self, name, warmup);
      phase(1, v, server, self, name, seconds);
      say(name, "during: attack starts");
      v.phase(2);
      mark(server, self, 2);
      long t0 = System.nanoTime();
      String startError = null;
      try {
        attack.start(new Attacks.Ctx(remote, jwt, v.epoch(), seconds));
      } catch (Exception e) {
        startError = e.toString();
      }
      sleepUntil(t0 + (long) (seconds * 1e9));
      Map<String, Object> outcome;
      try {
        outcome = new LinkedHashMap<>(attack.stop());
      } catch (Exception e) {
        outcome = new LinkedHashMap<>(Map.of("summary", "stop failed: " + e));
      }
      if (startError != null) {
        outcome.put("startError", startError);
      }
      leaked = attack.leaked();
      say(name, "attacker: " + outcome.get("summary"));
      phase(3, v, server, self, name, after);
      say(name, "draining (until every accepted event arrived, at most " + drainMs / 1000 + " s)");
      v.stop(drainMs);
      r.put("outcome", outcome);
      r.put("claimsLeak", leaked);
    } finally {
      r.put("victims", v.results());
      if (server != null) {
        r.put("server", server.results(phases));
        server.close();
      }
      r.put("suite", self.results(phases));
      self.close();
    }
    r.put("healthyAfter", healthy(remote, 3));
    return r;
  }

  private static void phase(
      int p, Victims v, ServerProbe server, ServerProbe self, String name, double seconds)
      throws InterruptedException {
    say(name, Victims.PHASES[p] + " " + seconds + " s");
    v.phase(p);
    mark(server, self, p);
    sleepUntil(System.nanoTime() + (long) (seconds * 1e9));
  }

  private static void mark(ServerProbe server, ServerProbe self, int p) {
    if (server != null) {
      server.phase(p);
    }
    self.phase(p);
  }

  private static void say(String name, String what) {
    System.out.printf(
        "[%s] %s: %s%n",
        LocalDateTime.now(ZoneId.systemDefault()).toLocalTime().withNano(0), name, what);
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, Math.min(500, left / 1_000_000L)));
    }
  }

  private static boolean healthy(InetSocketAddress remote, int seconds) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    do {
      try {
        if (Http.once(Victims.CLIENT_SOURCE, remote, "GET", "/health", "", null, 3000, false)
                .status()
            == 200) {
          return true;
        }
      } catch (Exception e) {
        // retry
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    } while (System.nanoTime() < end);
    return false;
  }

  // ---------------------------------------------------------------- report

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String... path) {
    Object cur = o;
    for (String p : path) {
      if (!(cur instanceof Map<?, ?> m)) {
        return Map.of();
      }
      cur = m.get(p);
    }
    return cur instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static double d(Map<String, Object> m, String k) {
    return Json.dbl(m, k);
  }

  private static String ms(double v) {
    return v >= 100
        ? String.format("%.0f", v)
        : v >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
  }

  private static String lat(Map<String, Object> h) {
    return Json.num(h, "count") == 0 ? "–" : ms(d(h, "p50")) + "/" + ms(d(h, "p99"));
  }

  private static String p99(Map<String, Object> h) {
    return Json.num(h, "count") == 0 ? "–" : ms(d(h, "p99"));
  }

  static final String HEADER =
      "| attack | victim event p50/p99 ms, before → during | after p99 | victim connect→ack p99 ms,"
          + " before → during (fails) | /health p99 ms during (fails) | victim events lost |"
          + " attacker outcome | server RSS MB before → peak (end) |\n"
          + "|---|---|---|---|---|---|---|---|\n";

  /** One markdown row. */
  static String row(Object result) {
    Map<String, Object> r = map(result);
    String name = String.valueOf(r.get("attack"));
    if (r.containsKey("skipped")) {
      return "| " + name + " | skipped: " + r.get("skipped") + " | | | | | | |";
    }
    Map<String, Object> b = map(r, "victims", "before");
    Map<String, Object> du = map(r, "victims", "during");
    Map<String, Object> af = map(r, "victims", "after");
    Map<String, Object> v = map(r, "victims");
    String events = lat(map(b, "eventLatencyMs")) + " → " + lat(map(du, "eventLatencyMs"));
    long disc = Json.num(du, "subscriberDisconnects") + Json.num(af, "subscriberDisconnects");
    long pubFail = Json.num(du, "publishFailedEvents") + Json.num(af, "publishFailedEvents");
    String afterCol =
        Json.num(map(af, "eventLatencyMs"), "count") == 0
            ? "none received (publish ack p99 " + p99(map(af, "publishAckMs")) + ")"
            : p99(map(af, "eventLatencyMs"));
    if (Json.num(af, "healthFailures") > 0 || Json.num(af, "probeFailures") > 0) {
      afterCol +=
          " (probe/health fails "
              + Json.num(af, "probeFailures")
              + "/"
              + Json.num(af, "healthFailures")
              + ")";
    }
    String ack =
        p99(map(b, "connectToAckMs"))
            + " → "
            + p99(map(du, "connectToAckMs"))
            + (Json.num(du, "probeFailures") > 0
                ? " (" + Json.num(du, "probeFailures") + " failed)"
                : "");
    String health =
        p99(map(du, "healthMs"))
            + (Json.num(du, "healthFailures") > 0
                ? " (" + Json.num(du, "healthFailures") + " failed)"
                : "");
    StringBuilder lost = new StringBuilder().append(Json.num(v, "lost"));
    if (Json.num(v, "foreignEvents") > 0) {
      lost.append(", FOREIGN ").append(Json.num(v, "foreignEvents"));
    }
    if (disc > 0) {
      lost.append(" (").append(disc).append(" victim disconnects)");
    }
    if (pubFail > 0) {
      lost.append(" (").append(pubFail).append(" publishes failed)");
    }
    String outcome = String.valueOf(map(r, "outcome").getOrDefault("summary", "?"));
    Map<String, Object> srv = map(r, "server");
    String rss = "–";
    if (!srv.isEmpty()) {
      Map<String, Object> sb = map(srv, "before");
      Map<String, Object> sd = map(srv, "during");
      Map<String, Object> sa = map(srv, "after");
      double peak = Math.max(d(sd, "rssPeakMb"), d(sa, "rssPeakMb"));
      rss = String.format("%.0f → %.0f (%.0f)", d(sb, "rssEndMb"), peak, d(sa, "rssEndMb"));
      if (Boolean.TRUE.equals(srv.get("gone"))) {
        rss += " SERVER GONE in " + srv.get("goneInPhase");
      }
    }
    if (Boolean.FALSE.equals(r.get("healthyAfter"))) {
      rss += " — unhealthy after";
    }
    return "| "
        + name
        + " | "
        + events
        + " | "
        + afterCol
        + " | "
        + ack
        + " | "
        + health
        + " | "
        + lost
        + " | "
        + outcome.replace("|", "/")
        + " | "
        + rss
        + " |";
  }

  static String table(List<Object> results) {
    StringBuilder sb = new StringBuilder(HEADER);
    for (Object r : results) {
      sb.append(row(r)).append('\n');
    }
    return sb.toString();
  }

  static int exitCode(List<Object> results) {
    int rc = 0;
    int ran = 0;
    for (Object o : results) {
      Map<String, Object> r = map(o);
      if (r.containsKey("skipped")) {
        continue;
      }
      ran++;
      Map<String, Object> v = map(r, "victims");
      if (Json.num(v, "lost") > 0
          || Json.num(v, "foreignEvents") > 0
          || Boolean.TRUE.equals(r.get("claimsLeak"))) {
        rc = 1;
      }
    }
    return ran == 0 ? 2 : rc;
  }

  /** {@code --merge a.json,b.json}: one table and one JSON from per-attack runs (restart-each). */
  private static int merge(Args a, File out) throws Exception {
    List<Object> results = new ArrayList<>();
    for (String f : a.str("merge", "").split(",", -1)) {
      if (f.isBlank()) {
        continue;
      }
      File file = new File(f.trim());
      if (!file.isFile()) {
        Map<String, Object> miss = new LinkedHashMap<>();
        miss.put("attack", file.getName());
        miss.put("skipped", "no result (" + file + ")");
        results.add(miss);
        continue;
      }
      Object attacks = Json.parseObject(file).get("attacks");
      if (attacks instanceof List<?> l) {
        results.addAll(l);
      }
    }
    write(out, results, a);
    System.out.print(table(results));
    System.out.println("JSON: " + out);
    return exitCode(results);
  }
}
