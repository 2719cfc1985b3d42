package io.bellhop.persistence.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.InvalidEventException;
import io.bellhop.events.Service;
import io.bellhop.persistence.Outbox;
import io.bellhop.persistence.demo.BookingRepository;
import io.bellhop.persistence.demo.Bookings;
import io.bellhop.testing.RealServicesTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The outbox against real PostgreSQL and NATS, used the way a feature module uses it: a
 * micronaut-data repository and {@code Outbox.add} in one {@code @Transactional} method.
 */
@MicronautTest(startApplication = false, transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class OutboxIT extends RealServicesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Inject Bookings bookings;
  @Inject BookingRepository repository;
  @Inject Outbox outbox;
  @Inject EventLog log;
  @Inject TransactionOperations<Connection> transactions;

  @Test
  void eachModuleHasItsOwnSchemaAndVersionNumbers() {
    for (String schema : List.of("outbox", "demo", "demo_notes")) {
      List<String> versions =
          TestDb.column(
              "SELECT version FROM "
                  + schema
                  + ".flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY"
                  + " installed_rank");
      assertEquals("1", versions.get(0), schema);
    }
    assertEquals(
        List.of("1", "2"),
        TestDb.column(
            "SELECT version FROM demo.flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank"));
  }

  @Test
  void aCommittedEventReachesTheLogExactlyOnce() {
    String org = newOrg();
    EventEnvelope event = bookings.book(org, "b-" + org, "Ada");

    TestDb.await(WAIT, "the row is marked published", () -> published(event));
    List<EventEnvelope> inLog = replay(org);
    assertEquals(1, inLog.size(), inLog.toString());
    assertEquals(event.eventId(), inLog.get(0).eventId());
    assertEquals("booking.created", inLog.get(0).type());
    assertEquals(event.payload(), inLog.get(0).payload());
    assertEquals(inLog.get(0).seq(), TestDb.outboxRow(event.eventId()).orElseThrow().seq());
    assertTrue(repository.findById("b-" + org).isPresent());
  }

  @Test
  void aRolledBackTransactionPublishesNothing() {
    String org = newOrg();
    EventEnvelope doomed = event(org, "doomed");
    assertThrows(
        IllegalStateException.class, () -> bookings.bookThenFail(org, "b-" + org, "Bob", doomed));
    assertFalse(repository.findById("b-" + org).isPresent());
    assertTrue(TestDb.outboxRow(doomed.eventId()).isEmpty());

    // The relay publishes in id order: once a later event of the org is out, an earlier one
    // would have been too.
    EventEnvelope later = bookings.book(org, "b2-" + org, "Bob");
    TestDb.await(WAIT, "the later row is published", () -> published(later));
    assertEquals(
        List.of(later.eventId()), replay(org).stream().map(EventEnvelope::eventId).toList());
  }

  @Test
  void eventsOfOneTransactionArriveInTheOrderAdded() {
    String org = newOrg();
    var events = new ArrayList<EventEnvelope>();
    for (int i = 0; i < 5; i++) {
      events.add(event(org, "step-" + i));
    }
    transactions.executeWrite(
        status -> {
          events.forEach(outbox::add);
          return null;
        });
    TestDb.await(WAIT, "all rows published", () -> events.stream().allMatch(this::published));
    assertEquals(
        events.stream().map(EventEnvelope::eventId).toList(),
        replay(org).stream().map(EventEnvelope::eventId).toList());
  }

  @Test
  void anEventIdAlreadyInTheOutboxIsIgnored() {
    String org = newOrg();
    EventEnvelope event = event(org, "once");
    transactions.executeWrite(
        status -> {
          outbox.add(event);
          return null;
        });
    transactions.executeWrite(
        status -> {
          outbox.add(event);
          return null;
        });
    TestDb.await(WAIT, "the row is published", () -> published(event));
    assertEquals(1, replay(org).size());
  }

  @Test
  void addingOutsideAReadWriteTransactionIsRefused() {
    EventEnvelope event = event(newOrg(), "loose");
    var outside = assertThrows(IllegalStateException.class, () -> outbox.add(event));
    assertTrue(outside.getMessage().contains("inside a transaction"), outside.getMessage());
    assertThrows(
        IllegalStateException.class,
        () ->
            transactions.execute(
                TransactionDefinition.READ_ONLY,
                status -> {
                  outbox.add(event);
                  return null;
                }));
    assertTrue(TestDb.outboxRow(event.eventId()).isEmpty());
  }

  @Test
  void anInvalidEventIsRefusedInsideTheTransaction() {
    EventEnvelope bad =
        new EventEnvelope(
            UUID.randomUUID().toString(),
            Service.GUEST,
            "x.y",
            "org with spaces",
            null,
            "2024-01-01T00:00:00Z",
            "{}",
            0);
    assertThrows(
        InvalidEventException.class,
        () ->
            transactions.executeWrite(
                status -> {
                  outbox.add(bad);
                  return null;
                }));
    assertTrue(TestDb.outboxRow(bad.eventId()).isEmpty());
  }

  private boolean published(EventEnvelope e) {
    return TestDb.outboxRow(e.eventId()).map(TestDb.Row::published).orElse(false);
  }

  private List<EventEnvelope> replay(String org) {
    var out = new ArrayList<EventEnvelope>();
    try (var r = log.replay(org, 0)) {
      for (List<EventEnvelope> page = r.next(100); !page.isEmpty(); page = r.next(100)) {
        out.addAll(page);
      }
    }
    return out;
  }

  static EventEnvelope event(String org, String type) {
    return EventEnvelope.of(Service.TASKS, "test." + type, org, null, "{\"n\":1}");
  }

  static String newOrg() {
    return "org-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
