package io.bellhop.events.stream;

import io.bellhop.events.EventEnvelope;
import io.bellhop.realtime.Deflate;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * A run of consecutive events of one service for one filter, encoded once (and compressed at most
 * once) and shared by every session with that filter. Sessions send a {@code retainedDuplicate()}
 * of {@link #frame} or {@link #deflated}; whoever created the batch calls {@link #release}. Used by
 * one thread at a time.
 */
final class EventBatch {
  private final List<EventEnvelope> events;
  private final ByteBuf frame;
  private final long appendedAtMicros;
  private ByteBuf deflated;

  /**
   * @param frame the encoded event frame; ownership passes to this batch
   * @param appendedAtMicros when the log accepted the oldest event, for latency metrics
   */
  EventBatch(List<EventEnvelope> events, ByteBuf frame, long appendedAtMicros) {
    this.events = events;
    this.frame = frame;
    this.appendedAtMicros = appendedAtMicros;
  }

  List<EventEnvelope> events() {
    return events;
  }

  ByteBuf frame() {
    return frame;
  }

  /** The frame compressed for permessage-deflate, computed on first use. */
  ByteBuf deflated() {
    if (deflated == null) {
      deflated = Deflate.compress(frame);
    }
    return deflated;
  }

  long appendedAtMicros() {
    return appendedAtMicros;
  }

  long firstSeq() {
    return events.get(0).seq();
  }

  long lastSeq() {
    return events.get(events.size() - 1).seq();
  }

  /** A copy sharing the encoded bytes, with its own reference; for holding during a replay. */
  EventBatch retain() {
    return new EventBatch(events, frame.retainedDuplicate(), appendedAtMicros);
  }

  void release() {
    frame.release();
    if (deflated != null) {
      deflated.release();
    }
  }
}
