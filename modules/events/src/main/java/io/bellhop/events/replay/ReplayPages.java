package io.bellhop.events.replay;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.Replay;
import io.bellhop.realtime.Deflate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pages of the log shared by the sessions replaying them at the same time. When a thousand clients
 * of an org resume from one cursor after an outage, each page is read from the log once, and each
 * frame encoded once per filter, instead of a thousand times.
 *
 * <p>Only non-empty pages are shared. A page is a prefix of what follows its cursor, true whenever
 * it was read; "nothing follows" is true only for a session that read it after it registered. A
 * page idle for {@link #IDLE_NANOS} is dropped, and at most {@link #MAX_EVENTS} events are kept:
 * beyond that, reads go to the log unshared.
 */
public final class ReplayPages {
  static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);
  static final int MAX_EVENTS = 50_000;

  private record Key(String orgId, long afterSeq) {}

  private final EventLog log;
  private final int pageSize;
  private final int maxBatchEvents;
  private final ConcurrentHashMap<Key, Page> pages = new ConcurrentHashMap<>();
  private final AtomicLong cachedEvents = new AtomicLong();
  private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

  public ReplayPages(EventLog log, int pageSize, int maxBatchEvents) {
    this.log = log;
    this.pageSize = pageSize;
    this.maxBatchEvents = maxBatchEvents;
  }

  /** The next page of {@code orgId}'s events after {@code afterSeq}; empty when there are none. */
  public Page after(String orgId, long afterSeq) {
    sweep();
    if (cachedEvents.get() >= MAX_EVENTS) {
      return readUnshared(orgId, afterSeq);
    }
    var key = new Key(orgId, afterSeq);
    var mine = new Page();
    Page shared = pages.putIfAbsent(key, mine);
    if (shared == null) {
      try {
        mine.load(orgId, afterSeq);
      } catch (RuntimeException | Error e) { // never leave the sessions waiting on it hanging
        pages.remove(key, mine);
        mine.loaded.completeExceptionally(e);
        throw e;
      }
      if (mine.events().isEmpty()) {
        pages.remove(key, mine);
      } else {
        cachedEvents.addAndGet(mine.events().size());
      }
      return mine;
    }
    try {
      shared.loaded.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    shared.lastUsed = System.nanoTime();
    return shared.events().isEmpty() ? readUnshared(orgId, afterSeq) : shared;
  }

  private Page readUnshared(String orgId, long afterSeq) {
    var page = new Page();
    page.load(orgId, afterSeq);
    return page;
  }

  private void sweep() {
    long now = System.nanoTime();
    long last = lastSweep.get();
    if (now - last < TimeUnit.SECONDS.toNanos(1) || !lastSweep.compareAndSet(last, now)) {
      return;
    }
    pages.forEach(
        (key, page) -> {
          if (page.loaded.isDone() && now - page.lastUsed > IDLE_NANOS && pages.remove(key, page)) {
            cachedEvents.addAndGet(-page.events().size());
          }
        });
  }

  /** One page: its events and, per filter and compression, its frames, encoded once. */
  public final class Page {
    private final CompletableFuture<List<EventEnvelope>> loaded = new CompletableFuture<>();
    private final ConcurrentHashMap<FrameKey, List<Frame>> frames = new ConcurrentHashMap<>();
    private final long readStartedAt = System.nanoTime();
    private volatile boolean exhausted;
    private volatile long lastUsed = readStartedAt;

    private void load(String orgId, long afterSeq) {
      try (Replay r = log.replay(orgId, afterSeq)) {
        List<EventEnvelope> events = r.next(pageSize);
        exhausted = r.exhausted();
        loaded.complete(events);
      }
    }

    /**
     * Whether this page holds every event of its org up to the log's head as of {@code nanos}: it
     * reached the end of the log, in a read that started after that moment.
     */
    public boolean reachesHeadOf(long nanos) {
      return exhausted && readStartedAt - nanos > 0;
    }

    public List<EventEnvelope> events() {
      return loaded.join();
    }

    /** The last seq this page covers; the next page starts after it. */
    public long throughSeq() {
      List<EventEnvelope> events = events();
      return events.get(events.size() - 1).seq();
    }

    /** The frames a session with this filter receives for this page, in seq order. */
    public List<Frame> framesFor(Filter filter, boolean compressed) {
      return frames.computeIfAbsent(
          new FrameKey(filter, compressed), k -> encode(k.filter(), k.compressed()));
    }

    private List<Frame> encode(Filter filter, boolean compressed) {
      var matching = new ArrayList<EventEnvelope>();
      for (EventEnvelope e : events()) {
        if (filter.matches(e)) {
          matching.add(e);
        }
      }
      var out = new ArrayList<Frame>();
      Frames.forEachRun(
          matching,
          maxBatchEvents,
          (from, to) -> {
            ByteBuf frame = Frames.events(matching, from, to);
            if (compressed) {
              ByteBuf plain = frame;
              try {
                frame = Deflate.compress(plain);
              } finally {
                plain.release();
              }
            }
            try {
              out.add(new Frame(directCopy(frame), to - from, matching.get(to - 1).seq()));
            } finally {
              frame.release();
            }
            return true;
          });
      return out;
    }
  }

  private record FrameKey(Filter filter, boolean compressed) {}

  private static ByteBuffer directCopy(ByteBuf frame) {
    ByteBuffer out = ByteBuffer.allocateDirect(frame.readableBytes());
    frame.getBytes(frame.readerIndex(), out);
    return out.flip();
  }

  /**
   * An encoded event frame, shared by every session that receives it. It lives in direct memory, so
   * writing it to a socket copies nothing, and each session writes its own view of it: no reference
   * count crosses sessions, and the memory goes (by GC) with the page and the last view.
   */
  public record Frame(ByteBuffer content, int events, long lastSeq) {
    public int size() {
      return content.remaining();
    }

    /** A view of the frame for one socket write. */
    public ByteBuf buf() {
      return Unpooled.wrappedBuffer(content.duplicate());
    }
  }
}
