package io.bellhop.events.stream;

import io.bellhop.events.EventEnvelope;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * A run of consecutive events of one service for one filter, encoded once and shared by every
 * session with that filter. Sessions send {@code frame.retainedDuplicate()}; the fan-out releases
 * its own reference once every session has had it.
 *
 * @param appendedAtMicros when the log accepted the oldest event, for latency metrics
 */
record EventBatch(List<EventEnvelope> events, ByteBuf frame, long appendedAtMicros) {

  long firstSeq() {
    return events.get(0).seq();
  }

  long lastSeq() {
    return events.get(events.size() - 1).seq();
  }
}
