package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A client that stops reading is cut with 4509 and loses nothing; others are not slowed. */
class SlowConsumerIT extends StreamTestBase {
  static final int EVENTS = 6_000;

  @Test
  @SuppressWarnings("unchecked")
  void slowClientIsCutWith4509WhileAFastOneGetsEverythingAndTheSlowOneResumes() throws Exception {
    String org = newOrg();
    String pad = "p".repeat(2_000);
    SocketClient fast = subscribe(org, "");
    var slow = new RawSocketClient(server.getPort());
    slow.sendText("{\"token\":\"" + TestTokens.user(org) + "\"}");
    // The slow client now reads nothing until every event is published.
    var published = new ArrayList<Long>();
    for (int start = 0; start < EVENTS; start += 100) {
      var batch = new ArrayList<String>();
      for (int i = start; i < start + 100; i++) {
        batch.add(
            "{\"service\":\"finance\",\"type\":\"t\",\"orgId\":\""
                + org
                + "\",\"payload\":{\"n\":"
                + i
                + ",\"pad\":\""
                + pad
                + "\"}}");
      }
      published.addAll(publish(batch));
    }
    assertSeqs(published, seqs(fast.events(EVENTS, Duration.ofSeconds(60))));
    fast.close();

    List<Map<String, Object>> messages = slow.readUntilClose();
    slow.close();
    assertEquals(4509, slow.closeCode);
    assertTrue(slow.closeReason.contains("retryMs"), slow.closeReason);
    Map<String, Object> ack = messages.get(0);
    assertEquals("ack", ack.get("type"));
    // A live-only client receives what follows the seq in its ack.
    long ackSeq = ((Number) ack.get("seq")).longValue();
    List<Long> due = published.stream().filter(s -> s > ackSeq).toList();
    var before = new ArrayList<Map<String, Object>>();
    for (Map<String, Object> m : messages) {
      if ("event".equals(m.get("type"))) {
        before.addAll((List<Map<String, Object>>) m.get("events"));
      }
    }
    assertTrue(before.size() < due.size(), "the slow client must have been cut before the end");
    assertSeqs(due.subList(0, before.size()), seqs(before));

    long cursor = before.isEmpty() ? ackSeq : seqs(before).get(before.size() - 1);
    try (SocketClient again = SocketClient.connect(streamUri(""))) {
      again.send(
          "{\"token\":\""
              + TestTokens.user(org)
              + "\",\"lastSeq\":"
              + cursor
              + ",\"epoch\":\""
              + ack.get("epoch")
              + "\"}");
      assertEquals(true, again.next("ack", WAIT).get("recovered"));
      var rest = again.events(due.size() - before.size(), Duration.ofSeconds(60));
      assertSeqs(due.subList(before.size(), due.size()), seqs(rest));
      again.assertNoEvents(Duration.ofMillis(300));
    }
    var metrics = SocketClient.parse(get("/v2/realtime/metrics", TestTokens.ops()).body());
    assertTrue(((Number) metrics.get("slowConsumerDisconnects")).longValue() >= 1);
  }
}
