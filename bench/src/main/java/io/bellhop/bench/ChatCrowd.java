package io.bellhop.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The members of one chat benchmark and their sockets: opens them at a bounded rate, counts who got
 * {@code ready}, who failed and why, who closed and why (forwarding every callback to the mode's
 * own listener), and closes them all at the end.
 */
final class ChatCrowd implements ChatMember.Listener {
  final List<ChatMember> members = new ArrayList<>();
  final AtomicInteger ready = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();
  final AtomicInteger retried = new AtomicInteger();
  final LongAdder badFrames = new LongAdder();
  final Map<String, LongAdder> failureReasons = new ConcurrentHashMap<>();
  final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();
  private final ChatConnector connector;
  private final ChatMember.Listener mode;
  private final EventLoopGroup group;
  private final Map<Integer, Integer> attempts = new ConcurrentHashMap<>();
  private final int retries;
  private volatile boolean stopping;

  /**
   * {@code retries}: how many times a socket refused with a "try again" close (1012, 1013, 4800) is
   * dialled again after 100–500 ms, as the browser client does; each is counted.
   */
  ChatCrowd(ChatConnector connector, EventLoopGroup group, ChatMember.Listener mode, int retries) {
    this.connector = connector;
    this.group = group;
    this.mode = mode;
    this.retries = retries;
  }

  /**
   * Opens every member's socket at {@code perSecond}, at most {@code maxInFlight} upgrades at once;
   * returns once each is ready or failed, or after {@code limitSeconds}. Returns the seconds taken.
   */
  double connectAll(double perSecond, int maxInFlight, double limitSeconds)
      throws InterruptedException {
    long t0 = System.nanoTime();
    int n = members.size();
    int next = 0;
    while (ready.get() + failed.get() < n && (System.nanoTime() - t0) / 1e9 < limitSeconds) {
      long due = Math.min(n, (long) ((System.nanoTime() - t0) / 1e9 * perSecond) + 1);
      while (next < due && next - ready.get() - failed.get() < maxInFlight) {
        connector.connect(members.get(next++), this);
      }
      Thread.sleep(5);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Re-opens one member's socket (resuming when it is marked so). */
  void reconnect(ChatMember m) {
    connector.connect(m, this);
  }

  void closeAll() throws InterruptedException {
    stopping = true;
    for (ChatMember m : members) {
      Channel ch = m.channel;
      if (ch != null && ch.isActive()) {
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "bench done"));
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (members.stream().anyMatch(m -> m.channel != null && m.channel.isActive())
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    for (ChatMember m : members) {
      if (m.channel != null) {
        m.channel.close();
      }
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }

  @Override
  public void ready(ChatMember m) {
    ready.incrementAndGet();
    mode.ready(m);
  }

  @Override
  public void delivered(ChatMember m, ChatFrame.Message msg, boolean first, long nowMicros) {
    mode.delivered(m, msg, first, nowMicros);
  }

  @Override
  public void frame(ChatMember m, ChatFrame f) {
    if ("error".equals(f.type)) {
      LoadStats.count(closeReasons, "error " + f.code);
    }
    mode.frame(m, f);
  }

  @Override
  public void failed(ChatMember m, String reason) {
    if (!stopping
        && (reason.equals("close 1012")
            || reason.equals("close 1013")
            || reason.equals("close 4800"))
        && attempts.merge(m.index, 1, Integer::sum) <= retries) {
      retried.incrementAndGet();
      LoadStats.count(failureReasons, "retried after " + reason);
      long pauseMs = java.util.concurrent.ThreadLocalRandom.current().nextLong(100, 500);
      group.schedule(() -> connector.connect(m, this), pauseMs, TimeUnit.MILLISECONDS);
      return;
    }
    failed.incrementAndGet();
    LoadStats.count(failureReasons, reason);
    mode.failed(m, reason);
  }

  @Override
  public void closed(ChatMember m, String reason) {
    ready.decrementAndGet();
    if (!stopping) {
      closed.incrementAndGet();
      LoadStats.count(closeReasons, reason);
    }
    mode.closed(m, reason);
  }

  @Override
  public void badFrame(ChatMember m, Exception e) {
    badFrames.increment();
  }

  void putCounts(Map<String, Object> r) {
    r.put("members", members.size());
    r.put("connectFailures", failed.get());
    r.put("connectRetries", retried.get());
    r.put("closedEarly", closed.get());
    r.put("failureReasons", LoadStats.snapshot(failureReasons));
    r.put("closeAndErrorReasons", LoadStats.snapshot(closeReasons));
    r.put("badFrames", badFrames.sum());
  }
}
