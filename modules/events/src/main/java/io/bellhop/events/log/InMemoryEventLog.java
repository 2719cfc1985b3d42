package io.bellhop.events.log;

import io.bellhop.events.Appended;
import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.LogPosition;
import io.bellhop.events.Replay;
import io.bellhop.events.Tail;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link EventLog} held in this process's memory: for tests and single-process experiments, not
 * durable across restarts. Retention keeps at most {@code maxEvents} events; de-duplication
 * remembers ids for {@code duplicateWindow}. Each instance is a new epoch.
 */
public final class InMemoryEventLog implements EventLog {
  private final String epoch = UUID.randomUUID().toString();
  private final int maxEvents;
  private final Duration duplicateWindow;
  private final Clock clock;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final Map<String, Long> seqById = new HashMap<>();
  private final ArrayDeque<IdStamp> idsByTime = new ArrayDeque<>();
  private final List<TailSink> tails = new CopyOnWriteArrayList<>();
  private long lastSeq;

  public InMemoryEventLog(int maxEvents, Duration duplicateWindow, Clock clock) {
    this.maxEvents = maxEvents;
    this.duplicateWindow = duplicateWindow;
    this.clock = clock;
  }

  public InMemoryEventLog() {
    this(1_000_000, Duration.ofMinutes(2), Clock.systemUTC());
  }

  @Override
  public synchronized CompletableFuture<List<Appended>> append(List<EventEnvelope> events) {
    long now = clock.millis();
    forgetIdsBefore(now - duplicateWindow.toMillis());
    var results = new ArrayList<Appended>(events.size());
    for (EventEnvelope e : events) {
      Long original = seqById.get(e.eventId());
      if (original != null) {
        results.add(new Appended(original, true));
        continue;
      }
      EventEnvelope stored = e.withSeq(++lastSeq);
      entries.addLast(new Entry(stored, now * 1000));
      seqById.put(e.eventId(), stored.seq());
      idsByTime.addLast(new IdStamp(e.eventId(), now));
      while (entries.size() > maxEvents) {
        entries.removeFirst();
      }
      for (TailSink sink : tails) {
        sink.accept(stored, now * 1000);
      }
      results.add(new Appended(stored.seq(), false));
    }
    return CompletableFuture.completedFuture(results);
  }

  @Override
  public synchronized LogPosition position() {
    long first = entries.isEmpty() ? lastSeq + 1 : entries.peekFirst().event.seq();
    return new LogPosition(first, lastSeq, epoch);
  }

  @Override
  public Replay replay(String orgId, long afterSeq) {
    return new Replay() {
      long cursor = afterSeq;
      boolean exhausted;

      @Override
      public List<EventEnvelope> next(int max) {
        var out = new ArrayList<EventEnvelope>();
        exhausted = true;
        synchronized (InMemoryEventLog.this) {
          for (Entry entry : entries) {
            if (out.size() >= max) {
              exhausted = false;
              break;
            }
            EventEnvelope e = entry.event;
            if (e.seq() > cursor && e.orgId().equals(orgId)) {
              out.add(e);
            }
          }
        }
        if (!out.isEmpty()) {
          cursor = out.get(out.size() - 1).seq();
        }
        return out;
      }

      @Override
      public boolean exhausted() {
        return exhausted;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Tail tail(TailSink sink) {
    tails.add(sink);
    return () -> tails.remove(sink);
  }

  private void forgetIdsBefore(long cutoffMillis) {
    while (!idsByTime.isEmpty() && idsByTime.peekFirst().atMillis < cutoffMillis) {
      seqById.remove(idsByTime.removeFirst().eventId);
    }
  }

  private record Entry(EventEnvelope event, long appendedAtMicros) {}

  private record IdStamp(String eventId, long atMillis) {}
}
