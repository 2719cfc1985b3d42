package io.bellhop.persistence.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.log.EventLogConfig;
import io.bellhop.events.log.JetStreamEventLog;
import io.bellhop.persistence.Outbox;
import io.bellhop.testing.RealServicesTest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.transaction.TransactionOperations;
import io.nats.client.Nats;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The outbox's promise under a crash: a relay in a child JVM is halted (no shutdown hook, like a
 * power cut) right after it claimed committed rows but before publishing them, or right after the
 * log acknowledged them but before they were marked. A fresh relay then finishes the job, and the
 * event is in the log exactly once, read back through {@link EventLog#replay}, with its row marked.
 *
 * <p>The test's own context writes the rows and reads the log; its relay is off, so only the child
 * relays run.
 */
@MicronautTest(startApplication = false, transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class OutboxCrashIT extends RealServicesTest {
  private static final Duration CHILD = Duration.ofSeconds(60);

  @Inject Outbox outbox;
  @Inject EventLog log;
  @Inject TransactionOperations<Connection> transactions;

  @Override
  public Map<String, String> getProperties() {
    var properties = new HashMap<>(super.getProperties());
    properties.put("bellhop.outbox.relay-enabled", "false");
    return properties;
  }

  @Test
  void crashAfterCommitBeforePublish() throws Exception {
    String org = OutboxIT.newOrg();
    EventEnvelope event = commit(org);

    crash("before-publish", childProperties());
    assertFalse(row(event).published());
    assertTrue(replay(log, org).isEmpty(), "nothing was published before the crash");

    relayUntilPublished(event, childProperties());
    assertExactlyOnce(log, org, event);
  }

  @Test
  void crashAfterPublishBeforeMark() throws Exception {
    String org = OutboxIT.newOrg();
    EventEnvelope event = commit(org);

    crash("after-publish", childProperties());
    assertFalse(row(event).published(), "the crash came before the row was marked");
    List<EventEnvelope> before = replay(log, org);
    assertEquals(1, before.size(), "the log took the event before the crash");

    relayUntilPublished(event, childProperties());
    assertExactlyOnce(log, org, event);
    assertEquals(before.get(0).seq(), row(event).seq());
  }

  /**
   * The same crash, but the fresh relay comes after the log's de-duplication window (1 s on a
   * stream of its own): the log would take the copy, so the relay finds the event there instead.
   */
  @Test
  void crashAfterPublishAndRetryPastTheDuplicateWindow() throws Exception {
    var config = new EventLogConfig();
    config.setStreamName("OUTBOX_CRASH_SHORT_WINDOW");
    config.setSubjectPrefix("outbox-crash.events");
    config.setDuplicateWindow(Duration.ofSeconds(1));
    Map<String, String> shortWindow = childProperties();
    shortWindow.put("bellhop.events.log.stream-name", config.getStreamName());
    shortWindow.put("bellhop.events.log.subject-prefix", config.getSubjectPrefix());
    shortWindow.put("bellhop.events.log.duplicate-window", "1s");

    try (var nats = Nats.connect(services().nats().url())) {
      EventLog shortLog = new JetStreamEventLog(nats, config);
      String org = OutboxIT.newOrg();
      EventEnvelope event = commit(org);

      crash("after-publish", shortWindow);
      assertEquals(1, replay(shortLog, org).size());
      TestDb.await(
          Duration.ofSeconds(10),
          "the first attempt is older than the duplicate window",
          () ->
              !TestDb.column(
                      "SELECT 1 FROM outbox.events WHERE first_attempt_at < now() - interval"
                          + " '1.5 seconds' AND event_id = '"
                          + event.eventId()
                          + "'")
                  .isEmpty());

      String output = relayUntilPublished(event, shortWindow);
      assertTrue(output.contains("1 of them already in the log"), output);
      assertExactlyOnce(shortLog, org, event);
    }
  }

  private EventEnvelope commit(String org) {
    EventEnvelope event = OutboxIT.event(org, "crash");
    transactions.executeWrite(
        status -> {
          outbox.add(event);
          return null;
        });
    return event;
  }

  private Map<String, String> childProperties() {
    return new HashMap<>(services().properties());
  }

  private static void crash(String point, Map<String, String> properties) throws Exception {
    try (ChildJvm child = ChildJvm.start(point, properties)) {
      int exit = child.awaitExit(CHILD);
      assertEquals(RelayChild.CRASHED, exit, child.output());
      assertTrue(child.output().contains("crash point " + point + " reached"), child.output());
    }
  }

  /** Runs a relay that does not crash until the row is marked; returns its output. */
  private static String relayUntilPublished(EventEnvelope event, Map<String, String> properties)
      throws Exception {
    try (ChildJvm child = ChildJvm.start("none", properties)) {
      TestDb.await(CHILD, "the fresh relay marks the row", () -> row(event).published());
      return child.output();
    }
  }

  private static TestDb.Row row(EventEnvelope event) {
    return TestDb.outboxRow(event.eventId()).orElseThrow();
  }

  private static void assertExactlyOnce(EventLog log, String org, EventEnvelope event) {
    List<EventEnvelope> inLog = replay(log, org);
    assertEquals(1, inLog.size(), inLog.toString());
    assertEquals(event.eventId(), inLog.get(0).eventId());
    TestDb.Row row = row(event);
    assertTrue(row.published());
    assertEquals(inLog.get(0).seq(), row.seq());
  }

  private static List<EventEnvelope> replay(EventLog log, String org) {
    var out = new ArrayList<EventEnvelope>();
    try (var r = log.replay(org, 0)) {
      List<EventEnvelope> page;
      while (!(page = r.next(100)).isEmpty()) {
        out.addAll(page);
      }
    }
    return out;
  }
}
