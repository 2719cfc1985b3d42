package io.bellhop.events.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.Appended;
import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.LogPosition;
import io.bellhop.events.Replay;
import io.bellhop.events.Service;
import io.bellhop.events.Tail;
import io.bellhop.events.log.InMemoryEventLog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReplayPagesTest {
  private static final Filter GUEST = new Filter(EnumSet.of(Service.GUEST), null);

  private final CountingLog log = new CountingLog();
  private final ReplayPages pages = new ReplayPages(log, 10, 4);

  @Test
  void sessionsReplayingTogetherReadEachPageOnceAndShareItsFrames() throws Exception {
    append("org-a", 25);
    var pool = Executors.newFixedThreadPool(8);
    try {
      var reads =
          IntStream.range(0, 50)
              .mapToObj(i -> CompletableFuture.supplyAsync(() -> readAll("org-a", 0), pool))
              .toList();
      for (var r : reads) {
        assertEquals(seqs(1, 25), r.get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    // three pages and the empty read that ends a replay (never shared), once per session
    assertEquals(3 + 50, log.replays.get());

    ReplayPages.Page first = pages.after("org-a", 0);
    assertSame(first.framesFor(GUEST, false), first.framesFor(GUEST, false));
    assertEquals(
        List.of(4, 4, 2), first.framesFor(GUEST, false).stream().map(f -> f.events()).toList());
    String text = first.framesFor(GUEST, false).get(0).buf().toString(StandardCharsets.UTF_8);
    assertTrue(text.startsWith("{\"type\":\"event\",\"service\":\"guest\""), text);
  }

  @Test
  void anEmptyPageIsNeverSharedSoLaterEventsAreNotMissed() throws Exception {
    append("org-b", 3);
    long last = readAll("org-b", 0).get(2);
    assertTrue(pages.after("org-b", last).events().isEmpty());
    append("org-b", 2);
    assertEquals(List.of(last + 1, last + 2), readAll("org-b", last));
  }

  @Test
  void aSharedShortPageIsAPrefixAndTheReplayGoesOnAfterIt() throws Exception {
    append("org-c", 4);
    assertEquals(4, pages.after("org-c", 0).events().size());
    append("org-c", 3);
    // the cached page still ends at the 4th event; reading on from it finds the 3 new ones
    assertEquals(seqs(1, 7), readAll("org-c", 0));
  }

  @Test
  void aPageThatReachedTheLogsEndSettlesOnlySessionsThatReadTheHeadBeforeIt() throws Exception {
    append("org-d", 12);
    long before = System.nanoTime();
    ReplayPages.Page full = pages.after("org-d", 0);
    assertFalse(full.reachesHeadOf(before), "10 of 12: more follow");
    ReplayPages.Page last = pages.after("org-d", full.throughSeq());
    assertTrue(last.reachesHeadOf(before));
    long later = System.nanoTime();
    // the same shared page, read before this session saw the head: it proves nothing for it
    assertFalse(pages.after("org-d", full.throughSeq()).reachesHeadOf(later));
  }

  private List<Long> readAll(String org, long from) {
    var out = new java.util.ArrayList<Long>();
    ReplayPages.Page page;
    while (!(page = pages.after(org, from)).events().isEmpty()) {
      page.events().forEach(e -> out.add(e.seq()));
      from = page.throughSeq();
    }
    return out;
  }

  private List<Long> seqs(long first, long last) {
    // seqs are log-wide; this test's orgs each start on a fresh log
    return java.util.stream.LongStream.rangeClosed(first, last).boxed().toList();
  }

  private void append(String org, int n) throws Exception {
    log.append(
            IntStream.range(0, n)
                .mapToObj(
                    i ->
                        EventEnvelope.of(
                            Service.GUEST, "guest.updated", org, null, "{\"n\":" + i + "}"))
                .toList())
        .get(5, TimeUnit.SECONDS);
  }

  /** The in-memory log, counting the replays opened. */
  private static final class CountingLog implements EventLog {
    private final InMemoryEventLog delegate =
        new InMemoryEventLog(10_000, Duration.ofMinutes(1), Clock.systemUTC());
    final AtomicInteger replays = new AtomicInteger();

    @Override
    public CompletableFuture<List<Appended>> append(List<EventEnvelope> events) {
      return delegate.append(events);
    }

    @Override
    public LogPosition position() {
      return delegate.position();
    }

    @Override
    public Replay replay(String orgId, long afterSeq) {
      replays.incrementAndGet();
      return delegate.replay(orgId, afterSeq);
    }

    @Override
    public Tail tail(TailSink sink) {
      return delegate.tail(sink);
    }
  }
}
