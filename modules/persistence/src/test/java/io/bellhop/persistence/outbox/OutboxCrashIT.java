package io.bellhop.persistence.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventLog;
import io.bellhop.events.log.EventLogConfig;
import io.bellhop.events.log.JetStreamEventLog;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The outbox's promise under a crash: a relay in a child JVM is halted (no shutdown hook, like a
 * power cut) right after it claimed committed rows but before publishing them, or right after the
 * log acknowledged them but before they were marked. A fresh relay then finishes the job, and the
 * event is in the log exactly once, read back through {@link EventLog#replay}, with its row marked.
 */
@Timeout(180)
class OutboxCrashIT extends ChildRelayTestBase {

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
}
