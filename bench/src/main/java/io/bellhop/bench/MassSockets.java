package io.bellhop.bench;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Thousands of attacker sockets on one selector thread (slowloris, unauthenticated upgrades, SSE
 * streams). Each is connected blocking by the caller, written its first bytes, then watched: the
 * selector reads whatever the server sends — the HTTP status, then WebSocket frames (close code) —
 * and notes when and how the server ended it. A "drip" writes one more byte of an endless header to
 * every socket that has one. Counts are kept per kind of socket.
 */
final class MassSockets implements Closeable {
  /** One watched socket. Fields are written by the selector thread. */
  final class Conn {
    final String kind;
    final SocketChannel ch;
    final long openedNanos = System.nanoTime();
    private final ByteArrayOutputStream head = new ByteArrayOutputStream(256);
    private final byte[] drip;
    private int dripPos;
    private int headLen;
    private int crlf;
    volatile int status = -1;
    RawWs.FrameScanner frames;
    volatile boolean done;

    Conn(String kind, SocketChannel ch, byte[] drip) {
      this.kind = kind;
      this.ch = ch;
      this.drip = drip;
    }

    private void read(byte[] b, int n) {
      Stats s = stats(kind);
      s.bytesIn.add(n);
      int i = 0;
      if (status < 0) {
        for (; i < n && status < 0; i++) {
          byte x = b[i];
          if (head.size() < 64) {
            head.write(x);
          }
          headLen++;
          crlf =
              (x == '\r' && (crlf == 0 || crlf == 2))
                  ? crlf + 1
                  : (x == '\n' && (crlf == 1 || crlf == 3)) ? crlf + 1 : (x == '\r' ? 1 : 0);
          if (crlf == 4) {
            String line = head.toString(StandardCharsets.ISO_8859_1);
            String[] parts = line.split(" ", -1);
            status =
                parts.length > 1 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : 0;
            LoadStats.count(s.statuses, Integer.toString(status));
            if (status == 101) {
              frames = new RawWs.FrameScanner(0);
            }
          } else if (headLen > 16384) {
            status = 0;
            LoadStats.count(s.statuses, "garbage");
          }
        }
      }
      if (frames != null && i < n) {
        frames.feed(b, i, n - i);
      }
    }

    private void ended(String how) {
      if (done) {
        return;
      }
      done = true;
      Stats s = stats(kind);
      if (open.remove(this)) {
        s.openNow.decrementAndGet();
      }
      long ms = (System.nanoTime() - openedNanos) / 1_000_000L;
      s.serverClosed.increment();
      s.closeMs.recordValue(Math.max(1, ms));
      String what =
          frames != null && frames.closeCode >= 0
              ? "close " + frames.closeCode
              : status < 0 ? "no response, " + how : "http " + status + ", " + how;
      LoadStats.count(s.ends, what);
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing
      }
      if (onClosed != null && !stopping) {
        onClosed.accept(this);
      }
    }
  }

  /** Counters of one kind of socket. */
  static final class Stats {
    final LongAdder opened = new LongAdder();
    final LongAdder serverClosed = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final Map<String, LongAdder> connectFailures = new ConcurrentHashMap<>();
    final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
    final Map<String, LongAdder> ends = new ConcurrentHashMap<>();
    final ConcurrentHistogram closeMs = new ConcurrentHistogram(1, 3_600_000L, 2);
    final AtomicLong maxOpen = new AtomicLong();
    final java.util.concurrent.atomic.AtomicInteger openNow =
        new java.util.concurrent.atomic.AtomicInteger();
  }

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Conn> toRegister = new ConcurrentLinkedQueue<>();
  private final Set<Conn> open = ConcurrentHashMap.newKeySet();
  private final Map<String, Stats> stats = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  private volatile Consumer<Conn> onClosed;

  MassSockets() throws IOException {
    selector = Selector.open();
    thread = new Thread(this::loop, "atk-mass-selector");
    thread.setDaemon(true);
    thread.start();
  }

  /** Called (on the selector thread) when the server ends a socket; used to re-open. */
  void onClosed(Consumer<Conn> c) {
    this.onClosed = c;
  }

  Stats stats(String kind) {
    return stats.computeIfAbsent(kind, k -> new Stats());
  }

  int openCount(String kind) {
    return stats(kind).openNow.get();
  }

  /**
   * Connects (blocking, bounded by {@code timeoutMs}) from {@code source}, writes {@code initial}
   * and hands the socket to the selector. Returns null (and counts the failure) when it fails.
   */
  Conn open(
      String kind,
      InetAddress source,
      InetSocketAddress remote,
      byte[] initial,
      byte[] drip,
      int timeoutMs) {
    Stats s = stats(kind);
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open();
      ch.bind(new InetSocketAddress(source, 0));
      ch.socket().connect(remote, timeoutMs);
      ch.socket().setTcpNoDelay(true);
      ByteBuffer b = ByteBuffer.wrap(initial);
      ch.socket().setSoTimeout(timeoutMs);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.configureBlocking(false);
      Conn c = new Conn(kind, ch, drip);
      s.opened.increment();
      open.add(c);
      s.maxOpen.accumulateAndGet(s.openNow.incrementAndGet(), Math::max);
      toRegister.add(c);
      selector.wakeup();
      return c;
    } catch (IOException | RuntimeException e) {
      LoadStats.count(s.connectFailures, e.getClass().getSimpleName() + ": " + e.getMessage());
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // closing
        }
      }
      return null;
    }
  }

  /** Writes the next byte of every open socket's endless header (non-blocking; skips full ones). */
  void drip() {
    ByteBuffer one = ByteBuffer.allocate(1);
    for (Conn c : open) {
      if (c.drip == null || c.done) {
        continue;
      }
      one.clear();
      one.put(c.drip[c.dripPos % c.drip.length]).flip();
      try {
        if (c.ch.write(one) == 1) {
          c.dripPos++;
        }
      } catch (IOException e) {
        // the selector sees the reset
      }
    }
  }

  private void loop() {
    byte[] arr = new byte[65536];
    ByteBuffer buf = ByteBuffer.wrap(arr);
    while (!stopping) {
      try {
        selector.select(200);
        for (Conn c; (c = toRegister.poll()) != null; ) {
          if (!c.done) {
            c.ch.register(selector, SelectionKey.OP_READ, c);
          }
        }
        for (SelectionKey k : selector.selectedKeys()) {
          Conn c = (Conn) k.attachment();
          if (!k.isValid()) {
            continue;
          }
          buf.clear();
          int n;
          try {
            n = c.ch.read(buf);
          } catch (IOException e) {
            k.cancel();
            c.ended("reset");
            continue;
          }
          if (n < 0) {
            k.cancel();
            c.ended("eof");
          } else if (n > 0) {
            c.read(arr, n);
          }
        }
        selector.selectedKeys().clear();
      } catch (IOException | RuntimeException e) {
        // keep watching; a single bad key must not end the loop
      }
    }
  }

  /** Summary of one kind: opened, failures, statuses, how the server ended them, open at stop. */
  Map<String, Object> summary(String kind, int openAtStop) {
    Stats s = stats(kind);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("opened", s.opened.sum());
    m.put("maxOpenAtOnce", s.maxOpen.get());
    m.put("openAtStop", openAtStop);
    m.put("connectFailures", LoadStats.snapshot(s.connectFailures));
    m.put("responses", LoadStats.snapshot(s.statuses));
    m.put("endedByServer", s.serverClosed.sum());
    m.put("serverEnds", LoadStats.snapshot(s.ends));
    if (s.closeMs.getTotalCount() > 0) {
      m.put("endedAfterMsP50", s.closeMs.getValueAtPercentile(50));
      m.put("endedAfterMsMax", s.closeMs.getMaxValue());
    }
    m.put("bytesIn", s.bytesIn.sum());
    return m;
  }

  /** Stops watching and closes every socket; returns the number that were still open. */
  Map<String, Integer> stopAndCount() {
    stopping = true;
    selector.wakeup();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Map<String, Integer> left = new LinkedHashMap<>();
    List<Conn> all = new ArrayList<>(open);
    for (Conn c : all) {
      left.merge(c.kind, 1, Integer::sum);
      try {
        c.ch.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    open.clear();
    return left;
  }

  @Override
  public void close() {
    stopAndCount();
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
