package io.bellhop.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mode {@code chat-reconnect} (Bellhop only; the peer cannot resume): a reader on the first node
 * and a writer on the last share the org room. Each run: the reader holds every message so far,
 * drops its socket (no close frame, like a lost network), the writer posts {@code --gap} messages
 * (100 in flight) and waits until all are durable, then the reader reconnects with {@code after} =
 * its last seq. Measured: from the reconnect to holding every missed message (and to the {@code
 * history} frame marked {@code caughtUp}); checked: each missed seq exactly once, in order.
 */
final class ChatReconnect implements ChatMember.Listener {
  private final Args args;
  private final AtomicLong writerAcked = new AtomicLong();
  private final AtomicLong writerLastSeq = new AtomicLong();
  private final AtomicInteger historyFrames = new AtomicInteger();
  private final AtomicLong historyMessages = new AtomicLong();
  private volatile long caughtUpAtNanos;
  private ChatMember reader;
  private ChatMember writer;

  private ChatReconnect(Args a) {
    this.args = a;
  }

  static int run(Args a) throws Exception {
    return new ChatReconnect(a).execute();
  }

  private int execute() throws Exception {
    List<String> nodes = ChatConnector.nodes(args);
    String org = args.str("org", "reconnect-" + Long.toString(System.currentTimeMillis(), 36));
    int gap = args.integer("gap", 1000);
    int runs = args.integer("runs", 5);
    EventLoopGroup group = Transport.group(args.integer("threads", 2));
    ChatConnector connector = new ChatConnector(ChatDialect.BELLHOP, nodes, org, 2, group);
    ChatCrowd crowd = new ChatCrowd(connector, group, this, args.integer("retries", 3));
    reader = new ChatMember(0, "reader", 0, List.of("org"));
    writer = new ChatMember(1, "writer", nodes.size() - 1, List.of("org"));
    crowd.members.add(reader);
    crowd.members.add(writer);
    crowd.connectAll(100, 2, 60);
    if (crowd.ready.get() < 2) {
      throw new IllegalStateException("reader and writer not ready: " + crowd.failureReasons);
    }
    List<Map<String, Object>> results = new ArrayList<>();
    long posted = 0;
    for (int run = 1; run <= runs; run++) {
      posted = post(posted, 5);
      awaitReader(writerLastSeq.get(), 30);
      long held = reader.lastSeq("org");
      Channel ch = reader.channel;
      ch.close().await();
      await(() -> !reader.open, 10);
      long postStart = System.nanoTime();
      posted = post(posted, gap);
      double postSeconds = (System.nanoTime() - postStart) / 1e9;
      long target = writerLastSeq.get();
      ChatMember.Room room = reader.room("org");
      long dupsBefore = room.tracker.duplicates();
      long oooBefore = room.tracker.outOfOrder();
      historyFrames.set(0);
      historyMessages.set(0);
      caughtUpAtNanos = 0;
      reader.resume = true;
      long t0 = System.nanoTime();
      crowd.reconnect(reader);
      boolean complete = awaitReader(target, 60);
      long heldAt = System.nanoTime();
      // The frame marked caughtUp may follow the last missed message in a frame of its own.
      await(() -> caughtUpAtNanos != 0, 5);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("run", run);
      r.put("heldBefore", held);
      r.put("missed", target - held);
      r.put("postSeconds", postSeconds);
      r.put("caughtUp", complete);
      r.put("catchUpMs", complete ? (heldAt - t0) / 1e6 : null);
      r.put("caughtUpFrameMs", caughtUpAtNanos == 0 ? null : (caughtUpAtNanos - t0) / 1e6);
      r.put("historyFrames", historyFrames.get());
      r.put("historyMessages", historyMessages.get());
      r.put("lost", reader.lost("org", target));
      r.put("duplicates", room.tracker.duplicates() - dupsBefore);
      r.put("outOfOrder", room.tracker.outOfOrder() - oooBefore);
      results.add(r);
      System.out.println("run " + Json.toString(r));
    }
    crowd.closeAll();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("mode", "chat-reconnect");
    out.put("nodes", nodes);
    out.put("org", org);
    out.put("gap", gap);
    crowd.putCounts(out);
    List<Double> times = new ArrayList<>();
    long bad = 0;
    for (Map<String, Object> r : results) {
      if (r.get("catchUpMs") instanceof Double d) {
        times.add(d);
      }
      bad += Json.num(r, "lost") + Json.num(r, "duplicates") + Json.num(r, "outOfOrder");
    }
    times.sort(Double::compare);
    out.put("catchUpMedianMs", times.isEmpty() ? null : times.get(times.size() / 2));
    out.put("catchUpMaxMs", times.isEmpty() ? null : times.get(times.size() - 1));
    out.put("exactlyOnce", bad == 0 && times.size() == results.size());
    out.put("runs", results);
    File f = new File(args.str("out", "chat-reconnect.json"));
    Json.write(f, out);
    System.out.printf(
        "RESULT reconnect with a %d-message gap: median %s ms, max %s ms, exactly once %s -> %s%n",
        gap, out.get("catchUpMedianMs"), out.get("catchUpMaxMs"), out.get("exactlyOnce"), f);
    return Boolean.TRUE.equals(out.get("exactlyOnce")) ? 0 : 1;
  }

  /** Posts {@code count} messages from the writer, 100 in flight; returns the new total posted. */
  private long post(long posted, int count) throws InterruptedException {
    long end = posted + count;
    long deadline = System.nanoTime() + 120_000_000_000L;
    long k = posted;
    while (writerAcked.get() < end && System.nanoTime() < deadline) {
      while (k < end && k - writerAcked.get() < 100) {
        String text = "m " + EpochMicros.now() + " " + k;
        writer.channel.writeAndFlush(
            new TextWebSocketFrame(ChatDialect.BELLHOP.chat("org", "r" + k, text)));
        k++;
      }
      Thread.sleep(1);
    }
    if (writerAcked.get() < end) {
      throw new IllegalStateException("the writer's messages were not all acknowledged");
    }
    return end;
  }

  private boolean awaitReader(long seq, double seconds) throws InterruptedException {
    return await(() -> reader.open && reader.complete("org", seq), seconds);
  }

  private static boolean await(java.util.function.BooleanSupplier done, double seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  @Override
  public void delivered(ChatMember m, ChatFrame.Message msg, boolean first, long nowMicros) {}

  @Override
  public void frame(ChatMember m, ChatFrame f) {
    if (m == writer && "sent".equals(f.type)) {
      writerAcked.incrementAndGet();
      writerLastSeq.accumulateAndGet(f.seq, Math::max);
    } else if (m == writer && "error".equals(f.type)) {
      System.out.println("writer refused: " + f.code + " " + f.message);
    } else if (m == reader && "history".equals(f.type) && reader.resume) {
      historyFrames.incrementAndGet();
      historyMessages.addAndGet(f.messages.size());
      if (f.caughtUp && caughtUpAtNanos == 0) {
        caughtUpAtNanos = System.nanoTime();
      }
    }
  }
}
