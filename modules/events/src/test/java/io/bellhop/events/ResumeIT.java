package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ResumeIT extends StreamTestBase {

  private SocketClient resume(String org, long lastSeq, String epoch, Map<String, Object>[] ack) {
    SocketClient c = SocketClient.connect(streamUri(""));
    c.send(
        "{\"token\":\""
            + TestTokens.user(org)
            + "\",\"lastSeq\":"
            + lastSeq
            + ",\"epoch\":\""
            + epoch
            + "\"}");
    ack[0] = c.next("ack", WAIT);
    return c;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object>[] holder() {
    return new Map[1];
  }

  @Test
  void reconnectWithCursorGetsExactlyTheTenThousandMissedEventsInOrderThenLive() {
    String org = newOrg();
    long cursor;
    String epoch;
    try (SocketClient first = SocketClient.connect(streamUri(""))) {
      first.send("{\"token\":\"" + TestTokens.user(org) + "\"}");
      epoch = (String) first.next("ack", WAIT).get("epoch");
      publish(List.of(event(org, "finance", -1)));
      cursor = ((Number) first.events(1, WAIT).get(0).get("seq")).longValue();
    }
    List<Long> missed = publishMany(org, "finance", 10_000);
    var ack = holder();
    try (SocketClient again = resume(org, cursor, epoch, ack)) {
      assertEquals(true, ack[0].get("recovered"));
      assertEquals(cursor, ((Number) ack[0].get("seq")).longValue());
      var replayed = again.events(10_000, Duration.ofSeconds(60));
      assertSeqs(missed, seqs(replayed));
      long live = publish(List.of(event(org, "finance", 10_000))).get(0);
      assertEquals(List.of(live), seqs(again.events(1, WAIT)));
      again.assertNoEvents(Duration.ofMillis(300));
    }
  }

  @Test
  void eventsPublishedDuringTheReplayAreNeitherLostNorDuplicated() throws Exception {
    String org = newOrg();
    String epoch;
    long cursor;
    try (SocketClient first = SocketClient.connect(streamUri(""))) {
      first.send("{\"token\":\"" + TestTokens.user(org) + "\"}");
      Map<String, Object> a = first.next("ack", WAIT);
      epoch = (String) a.get("epoch");
      cursor = ((Number) a.get("seq")).longValue();
    }
    List<Long> published =
        Collections.synchronizedList(new ArrayList<>(publishMany(org, "guest", 3_000)));
    CompletableFuture<Void> racing =
        CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < 60; i++) {
                var batch = new ArrayList<String>();
                for (int j = 0; j < 50; j++) {
                  batch.add(event(org, "guest", 3_000 + i * 50 + j));
                }
                published.addAll(publish(batch));
              }
            });
    var ack = holder();
    try (SocketClient again = resume(org, cursor, epoch, ack)) {
      assertEquals(true, ack[0].get("recovered"));
      racing.get();
      var received = again.events(6_000, Duration.ofSeconds(60));
      assertSeqs(published, seqs(received));
      again.assertNoEvents(Duration.ofMillis(300));
    }
  }

  @Test
  void unknownEpochOrFutureCursorResumesWithRecoveredFalseThenLive() {
    String org = newOrg();
    var ack = holder();
    try (SocketClient stale = resume(org, 1, "not-this-log", ack)) {
      assertEquals(false, ack[0].get("recovered"));
      String epoch = (String) ack[0].get("epoch");
      long head = ((Number) ack[0].get("seq")).longValue();
      var ack2 = holder();
      try (SocketClient future = resume(org, head + 1_000_000, epoch, ack2)) {
        assertEquals(false, ack2[0].get("recovered"));
        long seq = publish(List.of(event(org, "users", 1))).get(0);
        assertEquals(List.of(seq), seqs(stale.events(1, WAIT)));
        assertEquals(List.of(seq), seqs(future.events(1, WAIT)));
      }
    }
  }

  @Test
  void snapshotCursorThenSubscribeMissesNothing() {
    String org = newOrg();
    var r = get("/v2/realtime/cursor", TestTokens.user(org));
    assertEquals(200, r.statusCode(), r.body());
    Map<String, Object> cursor = SocketClient.parse(r.body());
    List<Long> afterSnapshot =
        publish(List.of(event(org, "dashboard", 1), event(org, "dashboard", 2)));
    var ack = holder();
    try (SocketClient c =
        resume(org, ((Number) cursor.get("seq")).longValue(), (String) cursor.get("epoch"), ack)) {
      assertEquals(true, ack[0].get("recovered"));
      assertEquals(afterSnapshot, seqs(c.events(2, WAIT)));
    }
    assertEquals(403, get("/v2/realtime/cursor", TestTokens.publisher()).statusCode());
    assertEquals(401, get("/v2/realtime/cursor", null).statusCode());
  }
}
