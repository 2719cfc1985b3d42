package io.bellhop.events.stream;

import io.bellhop.events.LogPosition;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskScheduler;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import reactor.core.publisher.FluxSink;

/**
 * One SSE client: reads the org's log after its cursor whenever the fan-out signals new events for
 * the org (or a ping is due), and emits only as fast as the client takes them — no read happens
 * while the client has requested nothing, so a slow client costs no memory. Steps run on the node's
 * blocking threads, one at a time.
 */
final class SseFeed {
  private static final int MAX_EVENTS = 1_000;

  private final StreamNode node;
  private final TaskScheduler scheduler;
  private final FluxSink<Event<String>> sink;
  private final String orgId;
  private final Filter filter;
  private final Runnable wake = this::schedulePump;
  private String epoch;
  private long cursor;
  private boolean started;
  private volatile boolean cancelled;
  private ScheduledFuture<?> heartbeat;

  SseFeed(
      StreamNode node,
      TaskScheduler scheduler,
      FluxSink<Event<String>> sink,
      String orgId,
      Filter filter) {
    this.node = node;
    this.scheduler = scheduler;
    this.sink = sink;
    this.orgId = orgId;
    this.filter = filter;
  }

  void start(Long lastSeq, String lastEpoch) {
    sink.onRequest(n -> schedulePump());
    sink.onDispose(this::stop);
    node.blocking.execute(() -> open(lastSeq, lastEpoch));
  }

  private synchronized void open(Long lastSeq, String lastEpoch) {
    try {
      LogPosition pos = node.log.position();
      epoch = pos.epoch();
      boolean recovered = lastSeq != null && pos.canResumeAfter(lastSeq, lastEpoch);
      cursor = recovered ? lastSeq : pos.lastSeq();
      sink.next(event(SseController.ack(pos, cursor, recovered, node.config.heartbeat.toMillis())));
      started = true;
      var every = node.config.heartbeat;
      heartbeat =
          scheduler.scheduleAtFixedRate(every, every, () -> node.blocking.execute(this::ping));
      node.blocking.execute(this::pump);
    } catch (RuntimeException e) {
      sink.error(e);
    }
  }

  private void schedulePump() {
    if (!cancelled) {
      node.blocking.execute(this::pump);
    }
  }

  /** Reads and emits what is there; parks on the org's signal when there is nothing. */
  private synchronized void pump() {
    if (cancelled || !started || sink.requestedFromDownstream() <= 0) {
      return;
    }
    try {
      node.signals.await(orgId, wake);
      CursorRead read =
          CursorRead.after(node.log, orgId, filter, cursor, node.config.replayPageSize, MAX_EVENTS);
      boolean found = !read.events().isEmpty();
      Frames.forEachRun(
          read.events(),
          node.config.maxBatchEvents,
          (from, to) -> {
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
        node.signals.cancel(orgId, wake);
        node.blocking.execute(this::pump); // there may be more
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

  private void stop() {
    cancelled = true;
    node.signals.cancel(orgId, wake);
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
  }
}
