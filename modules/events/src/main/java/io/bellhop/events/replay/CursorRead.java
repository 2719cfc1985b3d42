package io.bellhop.events.replay;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.Replay;
import java.util.ArrayList;
import java.util.List;

/**
 * One read of an org's log after a cursor, for the HTTP fallbacks: the matching events of the first
 * page that has any (at most {@code max}), and the cursor moved past everything examined — also
 * past events the filter hides, so the next read neither skips nor repeats one.
 */
public record CursorRead(List<EventEnvelope> events, long cursor) {

  public static CursorRead after(
      EventLog log, String orgId, Filter filter, long cursor, int pageSize, int max) {
    var out = new ArrayList<EventEnvelope>();
    long at = cursor;
    try (Replay r = log.replay(orgId, cursor)) {
      List<EventEnvelope> page;
      while (out.isEmpty() && !(page = r.next(pageSize)).isEmpty()) {
        for (EventEnvelope e : page) {
          if (out.size() == max) {
            break;
          }
          at = e.seq();
          if (filter.matches(e)) {
            out.add(e);
          }
        }
      }
    }
    return new CursorRead(out, at);
  }
}
