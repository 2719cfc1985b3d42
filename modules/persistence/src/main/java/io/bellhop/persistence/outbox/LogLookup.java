package io.bellhop.persistence.outbox;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.Replay;
import io.bellhop.persistence.outbox.OutboxRows.PendingRow;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds rows that are already in the log. Only asked about rows whose first publish attempt is so
 * old that the log may no longer de-duplicate them: a relay that died after publishing and before
 * marking, with no relay retrying within the window. Reads each org's events after the earliest
 * {@code attempt_after_seq} of its rows; rare, so a full read is fine.
 */
final class LogLookup {
  private static final int PAGE = 500;

  private final EventLog log;

  LogLookup(EventLog log) {
    this.log = log;
  }

  /** The seq of each row found in the log, by row id; rows not found are absent. */
  Map<Long, Long> find(List<PendingRow> rows) {
    var found = new HashMap<Long, Long>();
    Map<String, List<PendingRow>> byOrg =
        rows.stream().collect(Collectors.groupingBy(PendingRow::orgId));
    for (var org : byOrg.entrySet()) {
      Map<String, Long> idByEventId =
          org.getValue().stream().collect(Collectors.toMap(PendingRow::eventId, PendingRow::id));
      long after = org.getValue().stream().mapToLong(PendingRow::attemptAfterSeq).min().orElse(0);
      Set<String> missing = new HashSet<>(idByEventId.keySet());
      try (Replay replay = log.replay(org.getKey(), after)) {
        while (!missing.isEmpty()) {
          List<EventEnvelope> page = replay.next(PAGE);
          if (page.isEmpty()) {
            break;
          }
          for (EventEnvelope e : page) {
            if (missing.remove(e.eventId())) {
              found.put(idByEventId.get(e.eventId()), e.seq());
            }
          }
        }
      }
    }
    return found;
  }
}
