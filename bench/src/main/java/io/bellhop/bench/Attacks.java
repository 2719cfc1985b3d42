package io.bellhop.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;

/**
 * The hostile clients of the attack suite. Each attack starts its own threads (named {@code
 * atk-*}), runs until {@link Attack#stop} or its own bound, and reports how the server answered.
 * Every socket comes from {@link #SOURCE} (127.0.0.1); the victims use other loopback addresses.
 */
final class Attacks {
  static final InetAddress SOURCE = Loopback.sources(1)[0];
  static final String ALL =
      "wildcard-org,time-claims,unknown-type-flood,ping-flood,fragmented,deflate-bomb,"
          + "frame-rate,slowloris,unauth-sockets,sse-flood";

  private Attacks() {}

  /** What an attack may use. */
  record Ctx(InetSocketAddress remote, Jwt jwt, String epoch, double seconds) {}

  interface Attack {
    /** Expensive preparation, run before the victims connect (so it disturbs no measurement). */
    default void prepare() {}

    /** Starts the attack's threads and returns at once. */
    void start(Ctx ctx) throws Exception;

    /** Stops, closes every socket, and returns the outcome; {@code summary} is one line. */
    Map<String, Object> stop() throws Exception;

    /** A claims attack read events of another org. */
    default boolean leaked() {
      return false;
    }
  }

  static Attack create(String name) {
    return switch (name) {
      case "wildcard-org" -> new Claims(wildcardTokens());
      case "time-claims" -> new Claims(timeTokens());
      case "unknown-type-flood" ->
          new Flood(4, true, false, 4096, batch(unknownType(), 4), "16 KiB unknown-type frames");
      case "ping-flood" ->
          new Flood(
              4,
              false,
              false,
              4096,
              batch(RawWs.frame(RawWs.PING, true, false, new byte[125], 0, 125), 500),
              "125-byte pings");
      case "frame-rate" -> new Flood(1, true, true, 0, batch(RawWs.text("{}"), 8192), "{} frames");
      case "fragmented" -> new Fragmented(20);
      case "deflate-bomb" -> new DeflateBomb(1_500_000);
      case "slowloris" -> new Mass(Mass.SLOWLORIS);
      case "unauth-sockets" -> new Mass(Mass.UNAUTH);
      case "sse-flood" -> new Mass(Mass.SSE);
      default -> throw new IllegalArgumentException("unknown attack " + name + "; known: " + ALL);
    };
  }

  private static byte[] unknownType() {
    String x = "x".repeat(16000);
    return RawWs.text("{\"type\":\"" + x + "\"}");
  }

  /** {@code n} copies of a frame in one buffer: one write() for many frames. */
  private static byte[] batch(byte[] frame, int n) {
    byte[] b = new byte[frame.length * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(frame, 0, b, i * frame.length, frame.length);
    }
    return b;
  }

  static String fmtBytes(long b) {
    if (b >= 1L << 30) {
      return String.format("%.1f GiB", b / (double) (1L << 30));
    }
    if (b >= 1L << 20) {
      return String.format("%.1f MiB", b / (double) (1L << 20));
    }
    return String.format("%.0f KiB", b / 1024.0);
  }

  /** "a ×3, b ×1", largest first. */
  static String counts(Map<String, ? extends Number> m) {
    List<Map.Entry<String, ? extends Number>> e = new ArrayList<>(m.entrySet());
    e.sort((x, y) -> Long.compare(y.getValue().longValue(), x.getValue().longValue()));
    StringBuilder sb = new StringBuilder();
    for (var en : e) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(en.getKey()).append(" ×").append(en.getValue());
    }
    return sb.toString();
  }

  /** Reads frames until the first text frame (the ack or an error) or a close; bounded. */
  static RawWs.FrameScanner awaitFirstText(RawWs c, int timeoutMs) throws IOException {
    RawWs.FrameScanner scan = new RawWs.FrameScanner(4096);
    c.readFrames(
        scan,
        System.nanoTime() + timeoutMs * 1_000_000L,
        () -> scan.textFrames > 0 || scan.closed());
    return scan;
  }

  /** A handshake for every service (no {@code services} field). */
  static String handshake(String token, Object lastSeq, String epoch) {
    return Handshake.resume(token, null, lastSeq, epoch);
  }

  static String attackerToken(Jwt jwt) {
    return jwt.client("attacker", "attacker");
  }

  // ================================================================== claims

  /** One hostile token: what it claims, and its text. */
  record Token(String label, String org, String jwt) {}

  private static List<Token> wildcardTokens() {
    Jwt j = Jwt.fromEnv();
    List<Token> t = new ArrayList<>();
    for (String org : List.of("*", ">", "org.a", "a b")) {
      t.add(new Token("orgId " + org, org, j.mintClaims(claims("attacker", org, true))));
    }
    t.add(
        new Token("sub with newline", "attacker", j.mintClaims(claims("x\ny", "attacker", true))));
    return t;
  }

  private static List<Token> timeTokens() {
    Jwt j = Jwt.fromEnv();
    long now = System.currentTimeMillis() / 1000;
    String org = Victims.org(0); // a victim org: accepted = reading events with an invalid token
    Map<String, Object> noExp = claims("timer", org, false);
    Map<String, Object> nbf = claims("timer", org, true);
    nbf.put("nbf", now + 600);
    Map<String, Object> iat = claims("timer", org, true);
    iat.put("iat", now + 600);
    return List.of(
        new Token("no exp", org, j.mintClaims(noExp)),
        new Token("nbf +10 min", org, j.mintClaims(nbf)),
        new Token("iat +10 min", org, j.mintClaims(iat)));
  }

  private static Map<String, Object> claims(String sub, String org, boolean exp) {
    long now = System.currentTimeMillis() / 1000;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sub", sub);
    m.put("orgId", org);
    m.put("name", "Attacker");
    m.put("roles", List.of("staff", "org_admin"));
    m.put("iat", now);
    if (exp) {
      m.put("exp", now + 3600);
    }
    return m;
  }

  /**
   * Each token on every read path — the socket (resume from seq 0 of the victims' epoch),
   * long-poll, SSE and the cursor — in parallel, each bounded to 3 s. A leak is any event of a
   * victim org reaching a token that is not valid for it: with a wildcard org, every victim event;
   * with a bad-time token (claiming victim-0), any event at all.
   */
  static final class Claims implements Attack {
    private static final Pattern ORG =
        Pattern.compile("\"orgId\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private final List<Token> tokens;
    private final ExecutorService pool =
        Executors.newFixedThreadPool(8, Victims.named("atk-claims"));
    private final List<Future<Map<String, Object>>> probes = new ArrayList<>();
    private boolean leaked;

    Claims(List<Token> tokens) {
      this.tokens = tokens;
    }

    @Override
    public void start(Ctx ctx) {
      String e = ctx.epoch() == null ? "" : "&epoch=" + ctx.epoch();
      for (Token t : tokens) {
        String auth = "Authorization: Bearer " + t.jwt() + "\r\n";
        probes.add(pool.submit(() -> wsProbe(ctx, t)));
        probes.add(
            pool.submit(
                () ->
                    http(ctx, t, "poll", "/v2/realtime/poll?lastSeq=0&waitMs=0" + e, auth, false)));
        probes.add(
            pool.submit(
                () ->
                    http(
                        ctx,
                        t,
                        "sse",
                        "/v2/realtime/sse?lastSeq=0" + e,
                        auth + "Accept: text/event-stream\r\n",
                        true)));
        probes.add(pool.submit(() -> http(ctx, t, "cursor", "/v2/realtime/cursor", auth, false)));
      }
    }

    private Map<String, Object> wsProbe(Ctx ctx, Token t) {
      Map<String, Object> r = base(t, "ws");
      long start = System.nanoTime();
      try (RawWs c = RawWs.connect(SOURCE, ctx.remote(), 0, 3000)) {
        Http.Head h = c.upgrade("/v2/realtime/stream", List.of(), 3000);
        if (h.status() != 101) {
          r.put("answer", "http " + h.status());
          return r;
        }
        c.write(RawWs.text(handshake(t.jwt(), 0, ctx.epoch())));
        RawWs.FrameScanner scan = new RawWs.FrameScanner(1 << 20);
        c.readFrames(scan, start + 3_000_000_000L, scan::closed);
        String text = scan.textString();
        r.put(
            "answer",
            scan.closeCode >= 0
                ? "close " + scan.closeCode
                : text.contains("\"type\":\"ack\"") ? "ack" : scan.end != null ? scan.end : "open");
        r.put("afterMs", (System.nanoTime() - start) / 1_000_000L);
        events(r, t, text);
      } catch (IOException e) {
        r.put("answer", e.getClass().getSimpleName());
      }
      return r;
    }

    private Map<String, Object> http(
        Ctx ctx, Token t, String kind, String target, String headers, boolean stream) {
      Map<String, Object> r = base(t, kind);
      try {
        Http.Response resp =
            Http.once(SOURCE, ctx.remote(), "GET", target, headers, null, 3000, stream);
        r.put("answer", "http " + resp.status());
        r.put("afterMs", resp.micros() / 1000);
        String body = resp.bodyText();
        if (kind.equals("cursor")) {
          Matcher m = ORG.matcher(body);
          if (m.find()) {
            r.put("cursorOrg", m.group(1));
          }
        } else {
          events(r, t, body);
        }
      } catch (IOException e) {
        r.put("answer", e.getClass().getSimpleName());
      }
      return r;
    }

    private static Map<String, Object> base(Token t, String transport) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("token", t.label());
      r.put("transport", transport);
      return r;
    }

    /** Counts the events in a body by org; marks a leak (see the class comment). */
    private void events(Map<String, Object> r, Token t, String body) {
      Map<String, Long> orgs = new TreeMap<>();
      Matcher m = ORG.matcher(body);
      long events = 0;
      while (m.find()) {
        orgs.merge(m.group(1), 1L, Long::sum);
        events++;
      }
      r.put("events", events);
      if (!orgs.isEmpty()) {
        r.put("eventOrgs", orgs);
      }
      long victim = 0;
      for (var e : orgs.entrySet()) {
        if (e.getKey().startsWith("victim-")) {
          victim += e.getValue();
        }
      }
      if (victim > 0) {
        r.put("LEAK", victim + " victim events read with token '" + t.label() + "'");
        synchronized (this) {
          leaked = true;
        }
      }
    }

    @Override
    public Map<String, Object> stop() throws Exception {
      List<Map<String, Object>> results = new ArrayList<>();
      Map<String, Long> answers = new TreeMap<>();
      long leaks = 0;
      long deadline = System.nanoTime() + 10_000_000_000L; // every probe is bounded to 3 s anyway
      for (Future<Map<String, Object>> f : probes) {
        Map<String, Object> r;
        try {
          r = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          r = Map.of("answer", "probe did not finish: " + e.getClass().getSimpleName());
        }
        results.add(r);
        answers.merge(r.get("transport") + " " + r.get("answer"), 1L, Long::sum);
        if (r.containsKey("LEAK")) {
          leaks++;
        }
      }
      pool.shutdownNow();
      Map<String, Object> out = new LinkedHashMap<>();
      String summary =
          (leaks > 0 ? "LEAK: " + leaks + " probes read victim events; " : "no leak; ")
              + counts(answers);
      out.put("summary", summary);
      out.put("leaked", leaks > 0);
      out.put("probes", results);
      return out;
    }

    @Override
    public synchronized boolean leaked() {
      return leaked;
    }
  }

  // ================================================================== floods

  /** Per-socket record of a flooding socket. */
  static final class SocketLog {
    final int index;
    volatile String upgrade = "-";
    volatile String ack = "-";
    final LongAdder bytesSent = new LongAdder();
    volatile long cutAfterMs = -1;
    volatile String cutBy;
    volatile int closeCode = -1;
    volatile long bytesIn;
    volatile long framesIn;

    SocketLog(int index) {
      this.index = index;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("socket", index);
      m.put("upgrade", upgrade);
      m.put("handshake", ack);
      m.put("bytesSent", bytesSent.sum());
      m.put("cutAfterMs", cutAfterMs);
      m.put("cutBy", cutBy);
      m.put("closeCode", closeCode);
      m.put("serverBytesRead", bytesIn);
      m.put("serverFramesRead", framesIn);
      return m;
    }

    String ending() {
      String close = closeCode >= 0 ? "close " + closeCode : null;
      if (cutAfterMs >= 0) {
        return (close != null ? close : "cut (" + cutBy + ")")
            + String.format(" after %.1f s", cutAfterMs / 1000.0);
      }
      return close != null ? close + " (still writable)" : "open to the end";
    }
  }

  /**
   * {@code sockets} sockets that write the same frames back to back. With {@code handshake} they
   * first authenticate (attacker org) and wait for the ack; with {@code read} a second thread reads
   * what the server sends, else nothing is read after the upgrade (and the receive buffer is {@code
   * rcvBuf}) so the server's answers pile up on its side.
   */
  static final class Flood implements Attack {
    private final int sockets;
    private final boolean handshake;
    private final boolean read;
    private final int rcvBuf;
    private final byte[] chunk;
    private final String what;
    private final List<SocketLog> logs = Collections.synchronizedList(new ArrayList<>());
    private final List<RawWs> conns = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    Flood(int sockets, boolean handshake, boolean read, int rcvBuf, byte[] chunk, String what) {
      this.sockets = sockets;
      this.handshake = handshake;
      this.read = read;
      this.rcvBuf = rcvBuf;
      this.chunk = chunk;
      this.what = what;
    }

    @Override
    public void start(Ctx ctx) {
      String token = attackerToken(ctx.jwt());
      long end = System.nanoTime() + (long) (ctx.seconds() * 1e9) + 5_000_000_000L;
      for (int i = 0; i < sockets; i++) {
        SocketLog log = new SocketLog(i);
        logs.add(log);
        Thread t = new Thread(() -> flood(ctx, token, log, end), "atk-flood-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    private void flood(Ctx ctx, String token, SocketLog log, long end) {
      RawWs c;
      try {
        c = RawWs.connect(SOURCE, ctx.remote(), rcvBuf, 5000);
      } catch (IOException e) {
        log.upgrade = "connect failed: " + e.getMessage();
        return;
      }
      conns.add(c);
      long start = System.nanoTime();
      try {
        Http.Head h = c.upgrade("/v2/realtime/stream", List.of(), 5000);
        log.upgrade = "http " + h.status();
        if (h.status() != 101) {
          return;
        }
        if (handshake) {
          c.write(RawWs.text(handshake(token, null, null)));
          RawWs.FrameScanner s = awaitFirstText(c, 5000);
          String first = s.textString();
          log.ack =
              first.contains("\"type\":\"ack\"")
                  ? "ack"
                  : s.closeCode >= 0 ? "close " + s.closeCode : "no ack";
          if (!log.ack.equals("ack")) {
            return;
          }
        }
        if (read) {
          Thread reader =
              new Thread(
                  () -> {
                    RawWs.FrameScanner s = new RawWs.FrameScanner(0);
                    try {
                      c.readFrames(s, end, () -> stopping);
                    } catch (IOException ignored) {
                      // the writer notices
                    }
                    log.bytesIn = s.bytes;
                    log.framesIn = s.textFrames;
                    if (s.closeCode >= 0) {
                      log.closeCode = s.closeCode;
                    }
                  },
                  "atk-flood-reader");
          reader.setDaemon(true);
          reader.start();
        }
        while (!stopping && System.nanoTime() < end) {
          c.out.write(chunk);
          log.bytesSent.add(chunk.length);
        }
      } catch (IOException e) {
        if (!stopping) {
          log.cutAfterMs = (System.nanoTime() - start) / 1_000_000L;
          log.cutBy = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
      }
      if (!read) {
        // What did the server say? Scan what piled up (bounded), looking for a close frame.
        RawWs.FrameScanner s = new RawWs.FrameScanner(0);
        try {
          c.readFrames(s, System.nanoTime() + 2_000_000_000L, s::closed);
        } catch (IOException ignored) {
          // reset
        }
        log.bytesIn = s.bytes;
        log.framesIn = s.textFrames + s.pongs;
        if (s.closeCode >= 0) {
          log.closeCode = s.closeCode;
        }
      }
    }

    @Override
    public Map<String, Object> stop() throws Exception {
      stopping = true;
      long wait = System.nanoTime() + 500_000_000L;
      for (Thread t : threads) {
        t.join(Math.max(1, (wait - System.nanoTime()) / 1_000_000L));
      }
      synchronized (conns) {
        for (RawWs c : conns) { // unblocks a writer stuck on a full window; reading still works
          try {
            c.socket.shutdownOutput();
          } catch (IOException ignored) {
            // already closed
          }
        }
      }
      for (Thread t : threads) {
        t.join(4000);
      }
      synchronized (conns) {
        conns.forEach(RawWs::close);
      }
      for (Thread t : threads) {
        t.join(1000);
      }
      long sent = 0;
      Map<String, Long> endings = new TreeMap<>();
      List<Map<String, Object>> per = new ArrayList<>();
      synchronized (logs) {
        for (SocketLog l : logs) {
          sent += l.bytesSent.sum();
          String e =
              !l.upgrade.equals("http 101")
                  ? l.upgrade
                  : !handshake || l.ack.equals("ack") ? l.ending() : "handshake: " + l.ack;
          endings.merge(e.replaceAll("after \\d+\\.\\d s", "after ~s"), 1L, Long::sum);
          per.add(l.toMap());
        }
      }
      long maxCut = 0;
      long minCut = Long.MAX_VALUE;
      for (SocketLog l : logs) {
        if (l.cutAfterMs >= 0) {
          maxCut = Math.max(maxCut, l.cutAfterMs);
          minCut = Math.min(minCut, l.cutAfterMs);
        }
      }
      String cut =
          minCut == Long.MAX_VALUE
              ? ""
              : String.format(" (cut %.1f–%.1f s)", minCut / 1000.0, maxCut / 1000.0);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put(
          "summary",
          sockets
              + "× "
              + what
              + ": "
              + counts(endings).replace("after ~s", "")
              + cut
              + "; "
              + fmtBytes(sent)
              + " sent");
      out.put("bytesSent", sent);
      out.put("sockets", per);
      return out;
    }
  }

  // ================================================================== fragmented

  /**
   * A 1.6 MB text message as 100 fragments of 16 KiB (each under the 16 KiB frame limit; the
   * message far over it), on a fresh authenticated socket, repeated up to {@code max} times while
   * the attack runs. Records how the server ended each.
   */
  static final class Fragmented implements Attack {
    private final int max;
    private final List<Map<String, Object>> attempts =
        Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;
    private volatile RawWs current;
    private Thread thread;

    Fragmented(int max) {
      this.max = max;
    }

    @Override
    public void start(Ctx ctx) {
      long end = System.nanoTime() + (long) (ctx.seconds() * 1e9);
      thread =
          new Thread(
              () -> {
                byte[] part = new byte[16 * 1024];
                java.util.Arrays.fill(part, (byte) 'x');
                byte[] head = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(head, 0, part, 0, head.length);
                for (int i = 0; i < max && !stopping && System.nanoTime() < end; i++) {
                  attempts.add(once(ctx, part));
                }
              },
              "atk-fragmented");
      thread.setDaemon(true);
      thread.start();
    }

    private Map<String, Object> once(Ctx ctx, byte[] part) {
      Map<String, Object> r = new LinkedHashMap<>();
      long start = System.nanoTime();
      try (RawWs c = RawWs.connect(SOURCE, ctx.remote(), 0, 5000)) {
        current = c;
        Http.Head h = c.upgrade("/v2/realtime/stream", List.of(), 5000);
        if (h.status() != 101) {
          r.put("answer", "http " + h.status());
          return r;
        }
        c.write(RawWs.text(handshake(attackerToken(ctx.jwt()), null, null)));
        RawWs.FrameScanner s = awaitFirstText(c, 5000);
        if (s.closed()) {
          r.put("answer", "handshake: close " + s.closeCode);
          return r;
        }
        int sentFrames = 0;
        try {
          for (int i = 0; i < 100 && !stopping; i++) {
            byte[] payload = part;
            if (i == 99) {
              payload = part.clone();
              payload[payload.length - 2] = '"';
              payload[payload.length - 1] = '}';
            }
            c.write(
                RawWs.frame(
                    i == 0 ? RawWs.TEXT : RawWs.CONTINUATION,
                    i == 99,
                    false,
                    payload,
                    0,
                    payload.length));
            sentFrames++;
          }
        } catch (IOException e) {
          r.put("writeCutAfterFrames", sentFrames);
        }
        r.put("framesSent", sentFrames);
        RawWs.FrameScanner after = new RawWs.FrameScanner(512);
        c.readFrames(after, System.nanoTime() + 3_000_000_000L, after::closed);
        r.put(
            "answer",
            after.closeCode >= 0
                ? "close " + after.closeCode
                : after.end != null
                    ? after.end
                    : after.textFrames > 0 ? "text frames, open" : "open, no answer");
        r.put("afterMs", (System.nanoTime() - start) / 1_000_000L);
        if (after.textFrames > 0) {
          String t = after.textString();
          r.put("firstText", t.substring(0, Math.min(160, t.length())));
        }
      } catch (IOException e) {
        r.put("answer", e.getClass().getSimpleName() + ": " + e.getMessage());
      } finally {
        current = null;
      }
      return r;
    }

    @Override
    public Map<String, Object> stop() throws Exception {
      stopping = true;
      thread.join(5000);
      RawWs c = current;
      if (c != null) {
        c.close();
      }
      thread.join(2000);
      Map<String, Long> answers = new TreeMap<>();
      synchronized (attempts) {
        for (Map<String, Object> a : attempts) {
          answers.merge(String.valueOf(a.get("answer")), 1L, Long::sum);
        }
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("summary", attempts.size() + "× 1.6 MB in 100 fragments: " + counts(answers));
      out.put("attempts", new ArrayList<>(attempts));
      return out;
    }
  }

  // ================================================================== deflate bomb

  /**
   * permessage-deflate offered in the upgrade; after the ack, one fragmented message whose first
   * frame has RSV1 set and whose payload is raw deflate (no wrapper, SYNC_FLUSH, trailing 00 00 ff
   * ff stripped) of zeros: {@code compressedBytes} of input that inflates about 1000-fold.
   */
  static final class DeflateBomb implements Attack {
    private final int compressedBytes;
    private final Map<String, Object> out = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile RawWs current;
    private Thread thread;

    private byte[] bomb;

    DeflateBomb(int compressedBytes) {
      this.compressedBytes = compressedBytes;
    }

    @Override
    public void prepare() {
      long t0 = System.nanoTime();
      long[] inflated = new long[1];
      bomb = bomb(compressedBytes, inflated);
      out.put("compressedBytes", bomb.length);
      out.put("inflatedBytes", inflated[0]);
      out.put("buildMs", (System.nanoTime() - t0) / 1_000_000L);
    }

    static byte[] bomb(int compressedBytes, long[] inflated) {
      Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
      byte[] zeros = new byte[1 << 20];
      ByteArrayOutputStream out = new ByteArrayOutputStream(compressedBytes + 65536);
      byte[] buf = new byte[65536];
      long in = 0;
      while (out.size() < compressedBytes) {
        d.setInput(zeros);
        in += zeros.length;
        while (!d.needsInput()) {
          int n = d.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
          out.write(buf, 0, n);
        }
      }
      int n;
      do {
        n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        out.write(buf, 0, n);
      } while (n == buf.length);
      d.end();
      byte[] b = out.toByteArray();
      int len = b.length;
      if (len >= 4
          && b[len - 4] == 0
          && b[len - 3] == 0
          && (b[len - 2] & 0xff) == 0xff
          && (b[len - 1] & 0xff) == 0xff) {
        len -= 4;
      }
      inflated[0] = in;
      return java.util.Arrays.copyOf(b, len);
    }

    @Override
    public void start(Ctx ctx) {
      thread = new Thread(() -> run(ctx), "atk-deflate");
      thread.setDaemon(true);
      thread.start();
    }

    private void run(Ctx ctx) {
      if (bomb == null) {
        prepare();
      }
      long start = System.nanoTime();
      try (RawWs c = RawWs.connect(SOURCE, ctx.remote(), 0, 5000)) {
        current = c;
        Http.Head h =
            c.upgrade(
                "/v2/realtime/stream",
                List.of("Sec-WebSocket-Extensions: permessage-deflate"),
                5000);
        String ext = h.header("sec-websocket-extensions");
        out.put("upgrade", "http " + h.status());
        out.put("negotiated", ext == null ? "none" : ext);
        if (h.status() != 101) {
          out.put("answer", "http " + h.status());
          return;
        }
        c.write(RawWs.text(handshake(attackerToken(ctx.jwt()), null, null)));
        RawWs.FrameScanner s = awaitFirstText(c, 5000);
        if (s.closed()) {
          out.put("answer", "handshake: close " + s.closeCode);
          return;
        }
        int chunk = 16 * 1024;
        int frames = 0;
        int sent = 0;
        long sendStart = System.nanoTime();
        try {
          for (int off = 0; off < bomb.length && !stopping; off += chunk) {
            int len = Math.min(chunk, bomb.length - off);
            boolean last = off + len >= bomb.length;
            c.write(
                RawWs.frame(
                    off == 0 ? RawWs.TEXT : RawWs.CONTINUATION, last, off == 0, bomb, off, len));
            frames++;
            sent += len;
          }
        } catch (IOException e) {
          out.put("writeCut", e.getMessage());
          out.put("writeCutAfterMs", (System.nanoTime() - sendStart) / 1_000_000L);
        }
        out.put("framesSent", frames);
        out.put("compressedSent", sent);
        RawWs.FrameScanner after = new RawWs.FrameScanner(512);
        long deadline = System.nanoTime() + (long) (Math.max(3, ctx.seconds() - 2) * 1e9);
        c.readFrames(after, deadline, () -> after.closed() || stopping);
        out.put(
            "answer",
            after.closeCode >= 0
                ? "close " + after.closeCode
                : after.end != null
                    ? after.end
                    : after.textFrames > 0 ? "answered, open" : "open, no answer");
        if (after.textFrames > 0) {
          String t = after.textString();
          out.put("firstText", t.substring(0, Math.min(200, t.length())));
        }
        out.put("answerAfterMs", (System.nanoTime() - sendStart) / 1_000_000L);
      } catch (IOException e) {
        out.put("answer", e.getClass().getSimpleName() + ": " + e.getMessage());
        out.put("answerAfterMs", (System.nanoTime() - start) / 1_000_000L);
      } finally {
        current = null;
      }
    }

    @Override
    public Map<String, Object> stop() throws Exception {
      stopping = true;
      thread.join(3000);
      RawWs c = current;
      if (c != null) {
        c.close();
      }
      thread.join(2000);
      Map<String, Object> r = new LinkedHashMap<>(new TreeMap<>(out));
      r.put(
          "summary",
          String.format(
              "%s in → %s inflated, deflate %s: %s%s",
              fmtBytes(((Number) out.getOrDefault("compressedBytes", 0)).longValue()),
              fmtBytes(((Number) out.getOrDefault("inflatedBytes", 0L)).longValue()),
              out.getOrDefault("negotiated", "?").toString().startsWith("permessage-deflate")
                  ? "negotiated"
                  : "NOT negotiated",
              out.getOrDefault("answer", "?"),
              out.containsKey("answerAfterMs")
                  ? String.format(
                      " after %.1f s", ((Number) out.get("answerAfterMs")).longValue() / 1000.0)
                  : ""));
      return r;
    }
  }

  // ================================================================== many sockets

  /**
   * Thousands of sockets on one selector ({@link MassSockets}). Sockets the server ends are opened
   * again while the attack runs, up to a budget, so the pressure lasts the whole phase.
   */
  static final class Mass implements Attack {
    static final int SLOWLORIS = 0;
    static final int UNAUTH = 1;
    static final int SSE = 2;

    private record Kind(String name, int count, int budget, boolean drip) {}

    private final List<Kind> kinds = new ArrayList<>();
    private final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();
    private MassSockets mass;
    private ExecutorService pool;
    private ScheduledExecutorService dripper;
    private volatile boolean stopping;
    private Ctx ctx;
    private String sseToken;

    Mass(int type) {
      switch (type) {
        case SLOWLORIS -> {
          kinds.add(new Kind("slow-http", 2000, 4000, true));
          kinds.add(new Kind("silent-ws", 500, 1500, false));
        }
        case UNAUTH -> kinds.add(new Kind("unauth-ws", 3000, 9000, false));
        default -> kinds.add(new Kind("sse", 1000, 2000, false));
      }
    }

    private byte[] initial(Kind k) {
      InetSocketAddress r = ctx.remote();
      String s =
          switch (k.name()) {
            case "slow-http" -> "GET /health HTTP/1.1\r\nHost: x\r\n";
            case "sse" ->
                Http.request(
                    r,
                    "GET",
                    "/v2/realtime/sse",
                    "Accept: text/event-stream\r\nAuthorization: Bearer " + sseToken + "\r\n",
                    null);
            default -> RawWs.upgradeRequest(r, "/v2/realtime/stream", List.of());
          };
      return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] DRIP =
        "X-Slowloris-Padding: aaaaaaaaaaaaaaaa\r\n".getBytes(StandardCharsets.US_ASCII);

    private void openOne(Kind k) {
      if (stopping) {
        return;
      }
      AtomicInteger n = opens.computeIfAbsent(k.name(), x -> new AtomicInteger());
      if (n.incrementAndGet() > k.budget()) {
        return;
      }
      mass.open(k.name(), SOURCE, ctx.remote(), initial(k), k.drip() ? DRIP : null, 3000);
    }

    @Override
    public void start(Ctx ctx) throws IOException {
      this.ctx = ctx;
      this.sseToken = attackerToken(ctx.jwt());
      mass = new MassSockets();
      pool = Executors.newFixedThreadPool(8, Victims.named("atk-open"));
      mass.onClosed(
          c -> {
            for (Kind k : kinds) {
              if (k.name().equals(c.kind) && !stopping) {
                pool.execute(() -> openOne(k));
              }
            }
          });
      for (Kind k : kinds) {
        for (int i = 0; i < k.count(); i++) {
          pool.execute(() -> openOne(k));
        }
      }
      if (kinds.stream().anyMatch(Kind::drip)) {
        dripper = Executors.newSingleThreadScheduledExecutor(Victims.named("atk-drip"));
        dripper.scheduleAtFixedRate(mass::drip, 5, 5, TimeUnit.SECONDS);
      }
    }

    @Override
    public Map<String, Object> stop() throws Exception {
      stopping = true;
      pool.shutdown(); // queued opens return at once; running ones end within their 3 s timeout
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
      if (dripper != null) {
        dripper.shutdownNow();
      }
      Map<String, Integer> left = mass.stopAndCount();
      mass.close();
      Map<String, Object> out = new LinkedHashMap<>();
      StringBuilder summary = new StringBuilder();
      for (Kind k : kinds) {
        int open = left.getOrDefault(k.name(), 0);
        Map<String, Object> s = mass.summary(k.name(), open);
        out.put(k.name(), s);
        if (summary.length() > 0) {
          summary.append("; ");
        }
        summary.append(k.count()).append(' ').append(k.name()).append(": ");
        @SuppressWarnings("unchecked")
        Map<String, Long> fails = (Map<String, Long>) s.get("connectFailures");
        long failed = fails.values().stream().mapToLong(Long::longValue).sum();
        summary.append(s.get("opened")).append(" opened");
        if (failed > 0) {
          summary.append(", ").append(failed).append(" failed to connect");
        }
        @SuppressWarnings("unchecked")
        Map<String, Long> resp = (Map<String, Long>) s.get("responses");
        if (!resp.isEmpty()) {
          summary.append(", answers ").append(counts(resp));
        }
        long ended = ((Number) s.get("endedByServer")).longValue();
        if (ended > 0) {
          @SuppressWarnings("unchecked")
          Map<String, Long> ends = (Map<String, Long>) s.get("serverEnds");
          summary
              .append(", server ended ")
              .append(ended)
              .append(" (")
              .append(counts(ends))
              .append(
                  String.format(
                      ") after ~%.1f s", ((Number) s.get("endedAfterMsP50")).longValue() / 1000.0));
        }
        summary.append(", ").append(open).append(" open at the end");
      }
      out.put("summary", summary.toString());
      return out;
    }
  }
}
