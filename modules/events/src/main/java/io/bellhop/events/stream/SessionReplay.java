package io.bellhop.events.stream;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.Replay;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a resuming session's missed events on a blocking thread: page by page from the log, frame
 * by frame to the socket, waiting for the client to take each frame (back-pressure, never a cut for
 * a slow replay), then hands over to live delivery. If the live batches held meanwhile overflowed,
 * it simply replays again from where it got to — the log still has everything.
 */
final class SessionReplay {
  private SessionReplay() {}

  static void run(StreamSession session, EventLog log, StreamConfig config, StreamMetrics metrics) {
    long from;
    while ((from = session.replayFrom()) >= 0) {
      try (Replay r = log.replay(session.orgId(), from)) {
        List<EventEnvelope> page;
        while (!(page = r.next(config.replayPageSize)).isEmpty()) {
          if (!sendPage(session, config, metrics, page)) {
            return;
          }
        }
      }
      if (session.finishReplay()) {
        return;
      }
    }
  }

  private static boolean sendPage(
      StreamSession session, StreamConfig config, StreamMetrics metrics, List<EventEnvelope> page) {
    var matching = new ArrayList<EventEnvelope>(page.size());
    for (EventEnvelope e : page) {
      if (session.filter().matches(e)) {
        matching.add(e);
      }
    }
    SessionWriter writer = session.writer();
    boolean sent =
        Frames.forEachRun(
            matching,
            config.maxBatchEvents,
            (from, to) -> {
              ByteBuf frame = session.encodeForThisSession(matching, from, to);
              if (!writer.awaitRoomFor(frame.readableBytes(), config.closeGrace)) {
                frame.release();
                if (!writer.isClosing()) {
                  session.slowConsumer();
                }
                return false;
              }
              return session.sendReplayed(frame, to - from, matching.get(to - 1).seq());
            });
    if (sent) {
      session.replayedThrough(page.get(page.size() - 1).seq(), matching.size());
      metrics.replayed(matching.size());
    }
    return sent;
  }
}
