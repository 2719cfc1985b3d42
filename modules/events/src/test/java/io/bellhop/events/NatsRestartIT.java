package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestLogging;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** NATS goes away and comes back under a live session: the session catches up with no loss. */
class NatsRestartIT extends StreamTestBase {
  @Inject Connection nats;

  @Test
  void liveSessionRecoversWithoutLossAfterNatsRestarts() throws Exception {
    String org = newOrg();
    // jnats reports the outage it sees (closed channel, refused reconnects, a missed heartbeat).
    try (var outageReports = TestLogging.mute("io.nats");
        SocketClient c = subscribe(org, "")) {
      List<Long> before = publish(List.of(event(org, "tasks", 1), event(org, "tasks", 2)));
      assertEquals(before, seqs(c.events(2, WAIT)));

      var reconnected = new CountDownLatch(1);
      ConnectionListener listener =
          (connection, event) -> {
            if (event == ConnectionListener.Events.RECONNECTED) {
              reconnected.countDown();
            }
          };
      nats.addConnectionListener(listener);
      try {
        services().nats().restart();
        assertTrue(reconnected.await(30, TimeUnit.SECONDS), "Bellhop did not reconnect to NATS");
      } finally {
        nats.removeConnectionListener(listener);
      }

      var after = new ArrayList<Long>();
      for (int i = 3; i <= 6; i++) {
        after.addAll(publish(List.of(event(org, "tasks", i))));
      }
      var got = c.events(4, Duration.ofSeconds(45));
      assertEquals(after, seqs(got));
      assertEquals(List.of(3, 4, 5, 6), got.stream().map(StreamTestBase::n).toList());
      c.assertNoEvents(Duration.ofMillis(500));
    }
  }
}
