package io.bellhop.persistence.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.EventEnvelope;
import io.bellhop.testing.TestLogging;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Relays in child JVMs: one leader per database, hand-over, and a NATS outage. */
@Timeout(180)
class RelayFailoverIT extends ChildRelayTestBase {
  /**
   * The test's own NATS connection reports the outage this class causes (closed channel, refused
   * reconnects, and seconds later a missed heartbeat), so the mute spans the class.
   */
  private static TestLogging.Muted outageReports;

  @BeforeAll
  static void muteOutageReports() {
    outageReports = TestLogging.mute("io.nats");
  }

  @AfterAll
  static void unmute() {
    outageReports.close();
  }

  /**
   * Two relays on one database: one leads, the other stands by; when the leader is killed the other
   * takes over within its standby interval and publishes what was committed meanwhile.
   */
  @Test
  void aStandbyRelayTakesOverWhenTheLeaderDies() throws Exception {
    String org = OutboxIT.newOrg();
    try (ChildJvm a = ChildJvm.start("none", childProperties());
        ChildJvm b = ChildJvm.start("none", childProperties())) {
      TestDb.await(
          CHILD,
          "one relay leads and the other stands by",
          () -> (leads(a) && standsBy(b)) || (leads(b) && standsBy(a)));
      ChildJvm leader = leads(a) ? a : b;
      ChildJvm standby = leader == a ? b : a;
      EventEnvelope first = commit(org);
      TestDb.await(CHILD, "the leader publishes", () -> row(first).published());

      leader.kill();
      EventEnvelope second = commit(org);
      TestDb.await(CHILD, "the standby takes over and publishes", () -> row(second).published());
      assertTrue(leads(standby), standby.output());
      assertEquals(
          List.of(first.eventId(), second.eventId()),
          replay(log, org).stream().map(EventEnvelope::eventId).toList());
    }
  }

  /** While NATS is down rows stay pending and the relay retries; nothing is lost or doubled. */
  @Test
  void rowsWaitOutANatsOutage() throws Exception {
    Map<String, String> quickRetry = childProperties();
    quickRetry.put("bellhop.outbox.publish-timeout", "1s");
    quickRetry.put("bellhop.outbox.retry-max", "1s");
    String org = OutboxIT.newOrg();
    try (ChildJvm relay = ChildJvm.start("none", quickRetry)) {
      TestDb.await(CHILD, "the relay leads", () -> leads(relay));
      EventEnvelope before = commit(org);
      TestDb.await(CHILD, "published before the outage", () -> row(before).published());

      services().nats().stop();
      EventEnvelope during;
      try {
        during = commit(org);
        TestDb.await(
            CHILD,
            "the relay reports the failed publish",
            () -> relay.output().contains("did not take a batch"));
        assertFalse(row(during).published());
      } finally {
        services().nats().restart();
      }
      TestDb.await(CHILD, "published after the outage", () -> row(during).published());
    }
    TestDb.await(
        CHILD,
        "the test's own connection is back",
        () -> {
          try {
            return replay(log, org).size() == 2;
          } catch (RuntimeException notYet) {
            return false;
          }
        });
  }
}
