package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NATS goes away and comes back under a live session: the session catches up with no loss. */
class NatsRestartIT extends StreamTestBase {

  @Test
  void liveSessionRecoversWithoutLossAfterNatsRestarts() throws Exception {
    String org = newOrg();
    try (StreamClient c = subscribe(org, "")) {
      List<Long> before = publish(List.of(event(org, "tasks", 1), event(org, "tasks", 2)));
      assertEquals(before, seqs(c.events(2, WAIT)));

      services().nats().restart();

      var after = new ArrayList<Long>();
      for (int i = 3; i <= 6; i++) {
        after.add(publishWhenBack(event(org, "tasks", i)));
      }
      var got = c.events(4, Duration.ofSeconds(45));
      assertEquals(after, seqs(got));
      assertEquals(List.of(3, 4, 5, 6), got.stream().map(StreamTestBase::n).toList());
      c.assertNoEvents(Duration.ofMillis(500));
    }
  }

  private long publishWhenBack(String event) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      HttpResponse<String> r = post("/v2/realtime/events", Tokens.publisher(), event);
      if (r.statusCode() == 200) {
        return ((Number) ((List<?>) StreamClient.parse(r.body()).get("seqs")).get(0)).longValue();
      }
      assertEquals(503, r.statusCode(), r.body());
      if (System.nanoTime() > deadline) {
        throw new AssertionError("NATS did not come back: " + r.body());
      }
      Thread.sleep(200);
    }
  }
}
