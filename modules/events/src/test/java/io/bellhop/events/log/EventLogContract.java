package io.bellhop.events.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.Appended;
import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.LogPosition;
import io.bellhop.events.Replay;
import io.bellhop.events.Service;
import io.bellhop.events.Tail;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventLog} must have. Extended once per implementation; a fake that
 * passes this may stand in for the real log in tests.
 */
abstract class EventLogContract {

  /** The log under test; may be shared across tests (each test uses its own org). */
  abstract EventLog log();

  static String newOrg() {
    return "org-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static EventEnvelope event(String org, Service service, String propertyId, int n) {
    return EventEnvelope.of(service, "test.created", org, propertyId, "{\"n\":" + n + "}");
  }

  private static List<EventEnvelope> readAll(Replay r) {
    var out = new ArrayList<EventEnvelope>();
    List<EventEnvelope> page;
    while (!(page = r.next(7)).isEmpty()) {
      out.addAll(page);
    }
    return out;
  }

  @Test
  void aReplayTellsWhenItReachedTheEndOfTheOrgsEvents() throws Exception {
    String org = newOrg();
    String other = newOrg();
    log()
        .append(
            List.of(
                event(org, Service.GUEST, null, 1),
                event(org, Service.GUEST, null, 2),
                event(org, Service.GUEST, null, 3),
                event(other, Service.GUEST, null, 4)))
        .get(10, TimeUnit.SECONDS);
    try (Replay r = log().replay(org, 0)) {
      assertEquals(2, r.next(2).size());
      assertFalse(r.exhausted(), "one more follows");
      assertEquals(1, r.next(2).size());
      assertTrue(r.exhausted(), "the other org's event does not count");
    }
  }

  @Test
  void appendAssignsIncreasingSeqsInListOrder() throws Exception {
    String org = newOrg();
    List<Appended> results =
        log()
            .append(
                List.of(
                    event(org, Service.FINANCE, null, 1),
                    event(org, Service.GUEST, null, 2),
                    event(org, Service.FINANCE, null, 3)))
            .get(10, TimeUnit.SECONDS);
    assertEquals(3, results.size());
    assertTrue(results.get(0).seq() < results.get(1).seq());
    assertTrue(results.get(1).seq() < results.get(2).seq());
    results.forEach(r -> assertFalse(r.duplicate()));
  }

  @Test
  void duplicateEventIdIsAbsorbedAndNamesTheOriginal() throws Exception {
    String org = newOrg();
    EventEnvelope e = event(org, Service.STAFF, null, 1);
    long seq = log().append(List.of(e)).get(10, TimeUnit.SECONDS).get(0).seq();
    Appended again = log().append(List.of(e)).get(10, TimeUnit.SECONDS).get(0);
    assertTrue(again.duplicate());
    assertEquals(seq, again.seq());
    try (Replay r = log().replay(org, 0)) {
      assertEquals(1, readAll(r).size());
    }
  }

  @Test
  void replayReturnsOnlyTheOrgsEventsAfterTheCursorInOrderWithFieldsIntact() throws Exception {
    String org = newOrg();
    String other = newOrg();
    var appended = new ArrayList<Long>();
    for (int i = 0; i < 20; i++) {
      appended.add(
          log()
              .append(List.of(event(org, Service.TASKS, i % 2 == 0 ? "7" : null, i)))
              .get(10, TimeUnit.SECONDS)
              .get(0)
              .seq());
      log().append(List.of(event(other, Service.TASKS, null, i))).get(10, TimeUnit.SECONDS);
    }
    long cursor = appended.get(4);
    List<EventEnvelope> replayed;
    try (Replay r = log().replay(org, cursor)) {
      replayed = readAll(r);
    }
    assertEquals(appended.subList(5, 20), replayed.stream().map(EventEnvelope::seq).toList());
    EventEnvelope sixth = replayed.get(1);
    assertEquals(org, sixth.orgId());
    assertEquals(Service.TASKS, sixth.service());
    assertEquals("test.created", sixth.type());
    assertEquals("7", sixth.propertyId());
    assertEquals("{\"n\":6}", sixth.payload());
  }

  @Test
  void replayOfAQuietOrgIsEmpty() {
    try (Replay r = log().replay(newOrg(), 0)) {
      assertTrue(r.next(100).isEmpty());
    }
  }

  @Test
  void positionCoversAppendedEventsAndResumeRules() throws Exception {
    String org = newOrg();
    long seq =
        log()
            .append(List.of(event(org, Service.USERS, null, 1)))
            .get(10, TimeUnit.SECONDS)
            .get(0)
            .seq();
    LogPosition pos = log().position();
    assertTrue(pos.lastSeq() >= seq);
    assertTrue(pos.canResumeAfter(seq - 1, pos.epoch()));
    assertFalse(pos.canResumeAfter(seq - 1, "another-epoch"));
    assertFalse(pos.canResumeAfter(pos.lastSeq() + 1, pos.epoch()));
    assertEquals(pos.epoch(), log().position().epoch());
  }

  @Test
  void tailDeliversEveryLaterEventOnceInOrder() throws Exception {
    String org = newOrg();
    var seen = new CopyOnWriteArrayList<EventEnvelope>();
    var fifty = new CountDownLatch(50);
    long before =
        log()
            .append(List.of(event(org, Service.REPORTS, null, 0)))
            .get(10, TimeUnit.SECONDS)
            .get(0)
            .seq();
    try (Tail tail =
        log()
            .tail(
                (e, at) -> {
                  if (e.orgId().equals(org)) {
                    seen.add(e);
                    fifty.countDown();
                  }
                })) {
      var expected = new ArrayList<Long>();
      for (int i = 1; i <= 50; i++) {
        expected.add(
            log()
                .append(List.of(event(org, Service.REPORTS, null, i)))
                .get(10, TimeUnit.SECONDS)
                .get(0)
                .seq());
      }
      assertTrue(fifty.await(10, TimeUnit.SECONDS), "tail delivered " + seen.size() + " of 50");
      assertEquals(expected, seen.stream().map(EventEnvelope::seq).toList());
      assertTrue(seen.get(0).seq() > before);
    }
  }
}
