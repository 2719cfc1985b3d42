package io.bellhop.events.http;

import io.bellhop.events.LogPosition;
import io.bellhop.events.replay.CursorRead;
import io.bellhop.events.replay.Filter;
import io.bellhop.events.replay.Frames;
import io.bellhop.events.stream.OrgLanes;
import io.bellhop.events.stream.StreamNode;
import io.bellhop.realtime.ConnectionSlot;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskScheduler;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.FluxSink;

/**
 * One SSE client: reads the org's log after its cursor whenever the fan-out signals new events for
 * the org (or a ping is due), and emits only as fast as the client takes them — no read happens
 * while the client has requested nothing, so a slow client costs no memory. Steps run on the node's
 * fallback threads in the org's lane ({@link OrgLanes}), one at a time, and at most one pump is
 * queued per feed, so a busy org's backlog is bounded by its number of feeds.
 *
 * <p>The feed stops — no more reads, pings or emissions, its {@link ConnectionSlot} given back —
 * when the subscriber goes away or the connection closes, whichever is seen first: Micronaut drops
 * a closed connection's response without cancelling its publisher at once, and emitting into it
 * afterwards failed with {@code IllegalStateException: onNext before request?}.
 */
final class SseFeed {
  private static final int MAX_EVENTS = 1_000;

  private final StreamNode node;
  private final TaskScheduler scheduler;
  private final FluxSink<Event<String>> sink;
  private final String orgId;
  private final Filter filter;
  private final ConnectionSlot slot;
  private final Runnable wake = this::schedulePump;
  private final AtomicBoolean pumpQueued = new AtomicBoolean();
  private String epoch;
  private long cursor;
  private boolean started;
  private volatile boolean cancelled;
  private volatile ScheduledFuture<?> heartbeat;

  SseFeed(
      StreamNode node,
      TaskScheduler scheduler,
      FluxSink<Event<String>> sink,
      String orgId,
      Filter filter,
      ConnectionSlot slot) {
    this.node = node;
    this.scheduler = scheduler;
    this.sink = sink;
    this.orgId = orgId;
    this.filter = filter;
    this.slot = slot;
  }

  void start(Long lastSeq, String lastEpoch) {
    sink.onRequest(n -> schedulePump());
    sink.onDispose(this::stop);
    node.fallbacks().execute(orgId, () -> open(lastSeq, lastEpoch));
  }

  private synchronized void open(Long lastSeq, String lastEpoch) {
    if (cancelled) {
      return;
    }
    try {
      LogPosition pos = node.log().position();
      epoch = pos.epoch();
      boolean recovered = lastSeq != null && pos.canResumeAfter(lastSeq, lastEpoch);
      cursor = recovered ? lastSeq : pos.lastSeq();
      sink.next(
          event(
              SseController.ack(pos, cursor, recovered, node.config().getHeartbeat().toMillis())));
      started = true;
      var every = node.config().getHeartbeat();
      heartbeat =
          scheduler.scheduleAtFixedRate(
              every, every, () -> node.fallbacks().execute(orgId, this::ping));
      if (cancelled) {
        heartbeat.cancel(false);
      }
      schedulePump();
    } catch (RuntimeException e) {
      stop();
      sink.error(e);
    }
  }

  private void schedulePump() {
    if (!cancelled && pumpQueued.compareAndSet(false, true)) {
      node.fallbacks().execute(orgId, this::pump);
    }
  }

  /** Reads and emits what is there; parks on the org's signal when there is nothing. */
  private synchronized void pump() {
    pumpQueued.set(false);
    if (cancelled || !started || sink.requestedFromDownstream() <= 0) {
      return;
    }
    try {
      node.signals().await(orgId, wake);
      CursorRead read =
          CursorRead.after(
              node.log(), orgId, filter, cursor, node.config().getReplayPageSize(), MAX_EVENTS);
      boolean found = !read.events().isEmpty();
      Frames.forEachRun(
          read.events(),
          node.config().getMaxBatchEvents(),
          (from, to) -> {
            if (cancelled) {
              return false;
            }
            ByteBuf frame = Frames.events(read.events(), from, to);
            try {
              cursor = read.events().get(to - 1).seq();
              sink.next(event(frame.toString(StandardCharsets.UTF_8)));
            } finally {
              frame.release();
            }
            return true;
          });
      cursor = Math.max(cursor, read.cursor());
      if (found) {
        node.signals().cancel(orgId, wake);
        schedulePump(); // there may be more
      }
    } catch (RuntimeException e) {
      stop();
      sink.error(e);
    }
  }

  private synchronized void ping() {
    if (!cancelled && started) {
      sink.next(event(Frames.ping(cursor)));
    }
  }

  private Event<String> event(String data) {
    return Event.of(data).id(epoch + ":" + cursor);
  }

  /** Stops the feed for good; safe to call from any thread, any number of times. */
  void stop() {
    cancelled = true;
    node.signals().cancel(orgId, wake);
    ScheduledFuture<?> h = heartbeat;
    if (h != null) {
      h.cancel(false);
    }
    slot.release();
  }
}
