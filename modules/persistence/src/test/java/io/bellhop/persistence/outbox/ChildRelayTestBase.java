package io.bellhop.persistence.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.persistence.Outbox;
import io.bellhop.testing.RealServicesTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.TestInstance;

/**
 * Tests whose relays run in child JVMs ({@link RelayChild}) against the shared NATS and PostgreSQL.
 * The test's own context writes rows and reads the log; its relay is off, so only the children
 * relay.
 */
@MicronautTest(startApplication = false, transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ChildRelayTestBase extends RealServicesTest {
  static final Duration CHILD = Duration.ofSeconds(60);

  @Inject Outbox outbox;
  @Inject EventLog log;
  @Inject TransactionOperations<Connection> transactions;

  @Override
  public Map<String, String> getProperties() {
    var properties = new HashMap<>(super.getProperties());
    properties.put("bellhop.outbox.relay-enabled", "false");
    return properties;
  }

  static boolean leads(ChildJvm relay) {
    return relay.output().contains("outbox relay: leading");
  }

  static boolean standsBy(ChildJvm relay) {
    return relay.output().contains("outbox relay: standing by");
  }

  EventEnvelope commit(String org) {
    EventEnvelope event = OutboxIT.event(org, "crash");
    transactions.executeWrite(
        status -> {
          outbox.add(event);
          return null;
        });
    return event;
  }

  Map<String, String> childProperties() {
    return new HashMap<>(services().properties());
  }

  static void crash(String point, Map<String, String> properties) throws Exception {
    try (ChildJvm child = ChildJvm.start(point, properties)) {
      int exit = child.awaitExit(CHILD);
      assertEquals(RelayChild.CRASHED, exit, child.output());
      assertTrue(child.output().contains("crash point " + point + " reached"), child.output());
    }
  }

  /** Runs a relay that does not crash until the row is marked; returns its output. */
  static String relayUntilPublished(EventEnvelope event, Map<String, String> properties)
      throws Exception {
    try (ChildJvm child = ChildJvm.start("none", properties)) {
      TestDb.await(CHILD, "the fresh relay marks the row", () -> row(event).published());
      return child.output();
    }
  }

  static TestDb.Row row(EventEnvelope event) {
    return TestDb.outboxRow(event.eventId()).orElseThrow();
  }

  static void assertExactlyOnce(EventLog log, String org, EventEnvelope event) {
    List<EventEnvelope> inLog = replay(log, org);
    assertEquals(1, inLog.size(), inLog.toString());
    assertEquals(event.eventId(), inLog.get(0).eventId());
    TestDb.Row row = row(event);
    assertTrue(row.published());
    assertEquals(inLog.get(0).seq(), row.seq());
  }

  static List<EventEnvelope> replay(EventLog log, String org) {
    var out = new ArrayList<EventEnvelope>();
    try (var r = log.replay(org, 0)) {
      for (List<EventEnvelope> page = r.next(100); !page.isEmpty(); page = r.next(100)) {
        out.addAll(page);
      }
    }
    return out;
  }
}
