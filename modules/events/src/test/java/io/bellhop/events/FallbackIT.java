package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Long-poll with the stream's cursor semantics, and the rollout config. */
class FallbackIT extends StreamTestBase {

  @Override
  public Map<String, String> getProperties() {
    var props = new java.util.HashMap<>(super.getProperties());
    props.put("reports.realtime.v1", "true");
    return props;
  }

  private Map<String, Object> poll(String token, String query) {
    var r = get("/v2/realtime/poll?" + query, token);
    assertEquals(200, r.statusCode(), r.body());
    return SocketClient.parse(r.body());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> events(Map<String, Object> answer) {
    return (List<Map<String, Object>>) answer.get("events");
  }

  private static long seq(Map<String, Object> answer) {
    return ((Number) answer.get("seq")).longValue();
  }

  @Test
  void longPollResumesFromItsCursorWithFiltersAndNothingTwice() {
    String org = newOrg();
    String token = TestTokens.user(org);
    Map<String, Object> first = poll(token, "services=finance&waitMs=0");
    assertEquals(false, first.get("recovered"));
    String epoch = (String) first.get("epoch");
    long cursor = seq(first);

    List<Long> published =
        publish(
            List.of(event(org, "finance", 1), event(org, "guest", 2), event(org, "finance", 3)));
    Map<String, Object> caughtUp =
        poll(token, "services=finance&lastSeq=" + cursor + "&epoch=" + epoch);
    assertEquals(true, caughtUp.get("recovered"));
    assertEquals(List.of(published.get(0), published.get(2)), seqs(events(caughtUp)));
    assertEquals(published.get(2).longValue(), seq(caughtUp));

    Map<String, Object> nothingNew =
        poll(token, "services=finance&waitMs=300&lastSeq=" + seq(caughtUp) + "&epoch=" + epoch);
    assertTrue(events(nothingNew).isEmpty());
    assertEquals(seq(caughtUp), seq(nothingNew));
  }

  @Test
  void aWaitingPollAnswersWhenAMatchingEventArrives() throws Exception {
    String org = newOrg();
    String token = TestTokens.user(org);
    Map<String, Object> first = poll(token, "waitMs=0");
    String query =
        "services=staff&waitMs=20000&lastSeq=" + seq(first) + "&epoch=" + first.get("epoch");
    CompletableFuture<Map<String, Object>> waiting =
        CompletableFuture.supplyAsync(() -> poll(token, query));
    publish(List.of(event(org, "finance", 1)));
    long staff = publish(List.of(event(org, "staff", 2))).get(0);
    Map<String, Object> answer = waiting.get(15, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(List.of(staff), seqs(events(answer)));
  }

  @Test
  void pollEnforcesTokensTenancyAndFilters() {
    String org = newOrg();
    publish(List.of(event(org, "finance", 1)));
    assertEquals(401, get("/v2/realtime/poll?waitMs=0", null).statusCode());
    assertEquals(403, get("/v2/realtime/poll?waitMs=0", TestTokens.publisher()).statusCode());
    assertEquals(
        403,
        get("/v2/realtime/poll?waitMs=0&propertyId=9", TestTokens.withProperties(org, List.of("1")))
            .statusCode());
    var unknown = get("/v2/realtime/poll?waitMs=0&services=spa", TestTokens.user(org));
    assertEquals(400, unknown.statusCode());
    assertEquals("UNKNOWN_SERVICE", SocketClient.parse(unknown.body()).get("code"));
    // Another org polling from cursor 0 of the same epoch sees none of org's events.
    Map<String, Object> head = poll(TestTokens.user(org), "waitMs=0");
    Map<String, Object> other =
        poll(
            TestTokens.user(newOrg()),
            "waitMs=0&lastSeq=" + (seq(head) - 1) + "&epoch=" + head.get("epoch"));
    assertTrue(events(other).isEmpty());
  }

  @Test
  @SuppressWarnings("unchecked")
  void configRollsOutByOrgBucketAndKeepsV1ServicesOnLegacy() {
    var r = get("/v2/realtime/config", TestTokens.user("org-config"));
    assertEquals(200, r.statusCode(), r.body());
    Map<String, Object> c = SocketClient.parse(r.body());
    assertEquals(true, c.get("streaming"));
    assertEquals("websocket", c.get("transport"));
    assertTrue(((List<String>) c.get("legacyServices")).contains("reports"));
    assertTrue(!((List<String>) c.get("streamServices")).contains("reports"));
    int bucket = ((Number) c.get("bucket")).intValue();
    assertEquals(
        bucket,
        ((Number)
                SocketClient.parse(get("/v2/realtime/config", TestTokens.user("org-config")).body())
                    .get("bucket"))
            .intValue());
    assertEquals(401, get("/v2/realtime/config", null).statusCode());
    assertEquals(Duration.ofSeconds(30).toMillis(), ((Number) c.get("heartbeatMs")).longValue());
  }
}
