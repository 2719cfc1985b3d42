package io.bellhop.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Mode {@code chat}: R rooms of M members over 1 or more nodes (member i is in room i / M and on
 * node i % nodes), S of them posting at a total of X messages/s for D seconds after W seconds of
 * warm-up at the same rate. Measures send → receive at every member (the sender stamps its clock in
 * the text: {@code m <epochMicros> <k>}, warm-up {@code w …}; every process runs on this box's
 * clock), send → {@code sent} (the message is durable), and checks that each member got every seq
 * of its room after its join once and in order.
 *
 * <p>Sender k % S posts message k, so the rate is spread evenly over the senders and so over the
 * rooms; a room's S/R senders post in turn. Refusals ({@code RATE_LIMITED}…) are counted, not
 * retried: the benchmark runs with the per-user rate limit configured away.
 */
final class ChatLoad implements ChatMember.Listener {
  private final Args args;
  private final ChatDialect dialect;
  private final int rooms;
  private final int perRoom;
  private final int senderCount;
  private final double rate;
  private final double duration;
  private final double warmup;
  private final String org;
  private final Recorder latency = new Recorder(1, LoadStats.MAX_MICROS, 3);
  private final Histogram latencyTotal = new Histogram(1, LoadStats.MAX_MICROS, 3);
  private final Recorder persist = new Recorder(1, LoadStats.MAX_MICROS, 3);
  private final LongAdder deliveries = new LongAdder();
  private final LongAdder measuredDeliveries = new LongAdder();
  private final LongAdder acks = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final AtomicLong lastDelivery = new AtomicLong();
  private final Map<String, AtomicLong> roomLastSeq = new ConcurrentHashMap<>();

  /** Each room's last acknowledged seq once the acknowledgements were awaited: what is checked. */
  private final Map<String, Long> targetSeq = new ConcurrentHashMap<>();

  private final Map<String, LongAdder> roomAcks = new ConcurrentHashMap<>();
  private long[] postedAt;
  private long warmCount;
  private long skipped;
  private double measureStartEpoch;
  private double measureEndEpoch;
  private ChatCrowd crowd;

  private ChatLoad(Args a) {
    this.args = a;
    this.dialect = ChatDialect.of(a.str("target", "bellhop"));
    this.rooms = a.integer("rooms", 1);
    this.perRoom = a.integer("members", 1000);
    this.senderCount = Math.min(rooms * perRoom, a.integer("senders", 10));
    this.rate = a.dbl("rate", 100);
    this.duration = a.dbl("duration", 20);
    this.warmup = a.dbl("warmup", 5);
    this.org = a.str("org", "chat-" + Long.toString(System.currentTimeMillis(), 36));
  }

  static int run(Args a) throws Exception {
    return new ChatLoad(a).execute();
  }

  /**
   * Room r's id: Bellhop's org room for one room, property rooms otherwise; any name for the peer.
   */
  private String roomId(int r) {
    if (dialect == ChatDialect.SOCKETIO) {
      return org + "-r" + r;
    }
    return rooms == 1 ? "org" : "property-p" + r;
  }

  private int execute() throws Exception {
    List<String> nodes = ChatConnector.nodes(args);
    EventLoopGroup group = Transport.group(args.integer("threads", 2));
    ChatConnector connector =
        new ChatConnector(dialect, nodes, org, args.integer("sources", 4), group);
    crowd = new ChatCrowd(connector, group, this, args.integer("retries", 3));
    int n = rooms * perRoom;
    for (int i = 0; i < n; i++) {
      crowd.members.add(new ChatMember(i, "u" + i, i % nodes.size(), List.of(roomId(i / perRoom))));
    }
    List<ChatMember> senders = new ArrayList<>();
    for (int k = 0; k < senderCount; k++) {
      senders.add(crowd.members.get((k % rooms) * perRoom + (k / rooms) % perRoom));
    }
    System.out.printf(
        "chat: %s, %d room(s) x %d members over %d node(s), %d sender(s), %.0f messages/s for"
            + " %.0f s after %.0f s warm-up, org %s%n",
        dialect, rooms, perRoom, nodes.size(), senderCount, rate, duration, warmup, org);
    double connectSeconds =
        crowd.connectAll(args.dbl("connect-rate", 1000), args.integer("max-inflight", 100), 180);
    System.out.printf(
        "READY ready=%d failed=%d in %.1fs%n",
        crowd.ready.get(), crowd.failed.get(), connectSeconds);
    Map<String, Object> r = new LinkedHashMap<>();
    if (crowd.ready.get() < n) {
      System.out.println("not every member is ready: " + LoadStats.snapshot(crowd.failureReasons));
    }
    long posted = post(senders);
    long acked = awaitAcks(posted, args.dbl("ack-wait", 30));
    roomLastSeq.forEach((room, seq) -> targetSeq.put(room, seq.get()));
    long expected = expectedDeliveries();
    awaitDeliveries(args.dbl("idle-timeout", 10), args.dbl("max-wait", 60));
    crowd.closeAll();

    r.put("mode", "chat");
    r.put("target", dialect.name().toLowerCase(Locale.ROOT));
    r.put("nodes", nodes);
    r.put("org", org);
    r.put("rooms", rooms);
    r.put("membersPerRoom", perRoom);
    r.put("senders", senderCount);
    r.put("rate", rate);
    r.put("durationSec", duration);
    r.put("warmupSec", warmup);
    r.put("connectSeconds", connectSeconds);
    r.put("measureStartEpoch", measureStartEpoch);
    r.put("measureEndEpoch", measureEndEpoch);
    crowd.putCounts(r);
    r.put("posted", posted - skipped);
    r.put("notPostedSenderDown", skipped);
    r.put("acked", acked);
    r.put("refused", refused.sum());
    putExactlyOnce(r, expected);
    Histogram h;
    synchronized (this) {
      latencyTotal.add(latency.getIntervalHistogram());
      h = latencyTotal.copy();
    }
    Report.putLatency(r, h);
    Histogram p = persist.getIntervalHistogram();
    r.put("persistP50Ms", LoadStats.ms(p, 50));
    r.put("persistP99Ms", LoadStats.ms(p, 99));
    r.put("persistMaxMs", p.getMaxValue() / 1000.0);
    File out = new File(args.str("out", "chat-result.json"));
    r.remove("histogram");
    Json.write(out, r);
    System.out.printf(
        "RESULT %s rooms=%d x %d rate=%.0f/s: delivered %s of %s, lost %s dup %s ooo %s, p50 %.2f"
            + " p99 %.2f max %.1f ms, persist p50 %.2f ms, refused %s -> %s%n",
        r.get("target"),
        rooms,
        perRoom,
        rate,
        r.get("delivered"),
        expected,
        r.get("lost"),
        r.get("duplicates"),
        r.get("outOfOrder"),
        Json.dbl(r, "p50Ms"),
        Json.dbl(r, "p99Ms"),
        Json.dbl(r, "maxMs"),
        Json.dbl(r, "persistP50Ms"),
        r.get("refused"),
        out);
    return 0;
  }

  /** Posts at the planned rate, warm-up first; returns how many were posted. */
  private long post(List<ChatMember> senders) throws InterruptedException {
    long total = (long) Math.ceil(rate * (warmup + duration));
    long warm = (long) Math.ceil(rate * warmup);
    warmCount = warm;
    postedAt = new long[(int) total];
    long t0 = System.nanoTime();
    measureStartEpoch = EpochMicros.now() / 1e6 + warmup;
    long k = 0;
    long lastPrint = t0;
    long lastDeliveries = 0;
    while (k < total) {
      long now = System.nanoTime();
      long due = Math.min(total, (long) ((now - t0) / 1e9 * rate) + 1);
      for (; k < due; k++) {
        ChatMember s = senders.get((int) (k % senders.size()));
        Channel ch = s.channel;
        if (ch == null || !s.open) {
          skipped++;
          continue;
        }
        long micros = EpochMicros.now();
        postedAt[(int) k] = micros;
        String text = (k < warm ? "w " : "m ") + micros + " " + k;
        ch.writeAndFlush(new TextWebSocketFrame(dialect.chat(s.roomIds().get(0), "c" + k, text)));
      }
      if (now - lastPrint >= 1_000_000_000L) {
        long d = deliveries.sum();
        Histogram iv;
        synchronized (this) {
          iv = latency.getIntervalHistogram();
          latencyTotal.add(iv);
        }
        System.out.printf(
            "%5.1fs posted %d acked %d | %d deliveries/s | now p50 %.1f p99 %.1f ms | ready %d%n",
            (now - t0) / 1e9,
            k,
            acks.sum(),
            (d - lastDeliveries) * 1_000_000_000L / (now - lastPrint),
            LoadStats.ms(iv, 50),
            LoadStats.ms(iv, 99),
            crowd.ready.get());
        lastDeliveries = d;
        lastPrint = now;
      }
      Thread.sleep(1);
    }
    measureEndEpoch = EpochMicros.now() / 1e6;
    return k;
  }

  private long awaitAcks(long posted, double limitSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (limitSeconds * 1e9);
    while (acks.sum() + refused.sum() < posted - skipped && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return acks.sum();
  }

  /** Every ready member's share: its room's last acked seq minus its base. */
  private long expectedDeliveries() {
    long e = 0;
    for (ChatMember m : crowd.members) {
      String room = m.roomIds().get(0);
      ChatMember.Room st = m.room(room);
      if (st.base >= 0) {
        e += Math.max(0, lastSeq(room) - st.base);
      }
    }
    return e;
  }

  private long lastSeq(String room) {
    return targetSeq.getOrDefault(room, 0L);
  }

  private void awaitDeliveries(double idleSeconds, double limitSeconds)
      throws InterruptedException {
    long start = System.nanoTime();
    while ((System.nanoTime() - start) / 1e9 < limitSeconds) {
      if (allComplete()) {
        return;
      }
      long last = lastDelivery.get();
      if (last > 0 && (EpochMicros.now() - last) / 1e6 > idleSeconds) {
        System.out.println("deliveries idle for " + idleSeconds + " s, stopping");
        return;
      }
      Thread.sleep(50);
    }
    System.out.println("max wait reached, stopping");
  }

  private boolean allComplete() {
    for (ChatMember m : crowd.members) {
      String room = m.roomIds().get(0);
      if (m.room(room).base >= 0 && !m.complete(room, lastSeq(room))) {
        return false;
      }
    }
    return true;
  }

  private void putExactlyOnce(Map<String, Object> r, long expected) {
    long lost = 0;
    long dups = 0;
    long ooo = 0;
    long older = 0;
    long foreign = 0;
    int membersWithLoss = 0;
    for (ChatMember m : crowd.members) {
      String room = m.roomIds().get(0);
      ChatMember.Room st = m.room(room);
      if (st.base < 0) {
        continue;
      }
      long l = m.lost(room, lastSeq(room));
      lost += l;
      membersWithLoss += l > 0 ? 1 : 0;
      dups += st.tracker.duplicates();
      ooo += st.tracker.outOfOrder();
      older += m.older;
      foreign += m.foreign;
    }
    long seqs = 0;
    long gaps = 0;
    for (Map.Entry<String, AtomicLong> e : roomLastSeq.entrySet()) {
      seqs += e.getValue().get();
      LongAdder a = roomAcks.get(e.getKey());
      gaps += e.getValue().get() - (a == null ? 0 : a.sum());
    }
    r.put("messagesPersisted", seqs);
    r.put("seqsWithoutAck", gaps);
    r.put("expectedDeliveries", expected);
    r.put("delivered", expected - lost);
    r.put("deliveriesIncludingLaterAcks", deliveries.sum());
    r.put("measuredDeliveries", measuredDeliveries.sum());
    r.put("lost", lost);
    r.put("membersWithLoss", membersWithLoss);
    r.put("duplicates", dups);
    r.put("outOfOrder", ooo);
    r.put("olderThanJoin", older);
    r.put("foreignRoom", foreign);
  }

  @Override
  public void delivered(ChatMember m, ChatFrame.Message msg, boolean first, long nowMicros) {
    if (!first) {
      return;
    }
    deliveries.increment();
    lastDelivery.lazySet(nowMicros);
    String t = msg.text();
    if (t != null && t.length() > 2 && t.charAt(0) == 'm') {
      int end = t.indexOf(' ', 2);
      long sentMicros = Long.parseLong(t, 2, end < 0 ? t.length() : end, 10);
      latency.recordValue(Math.min(LoadStats.MAX_MICROS, Math.max(0, nowMicros - sentMicros)));
      measuredDeliveries.increment();
    }
  }

  @Override
  public void frame(ChatMember m, ChatFrame f) {
    if ("sent".equals(f.type)) {
      acks.increment();
      if (f.roomId != null) {
        roomLastSeq
            .computeIfAbsent(f.roomId, x -> new AtomicLong())
            .accumulateAndGet(f.seq, Math::max);
        roomAcks.computeIfAbsent(f.roomId, x -> new LongAdder()).increment();
      }
      int k = clientIndex(f.clientMsgId);
      if (k >= warmCount && k < postedAt.length && postedAt[k] > 0) {
        persist.recordValue(
            Math.max(0, Math.min(LoadStats.MAX_MICROS, EpochMicros.now() - postedAt[k])));
      }
    } else if ("error".equals(f.type) && f.clientMsgId != null) {
      refused.increment();
    }
  }

  private static int clientIndex(String clientMsgId) {
    if (clientMsgId == null || clientMsgId.length() < 2 || clientMsgId.charAt(0) != 'c') {
      return -1;
    }
    try {
      return Integer.parseInt(clientMsgId, 1, clientMsgId.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
