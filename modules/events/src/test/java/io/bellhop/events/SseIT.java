package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SSE fallback: same frames, cursor in the event id, resume with Last-Event-ID; its feeds and
 * waiting long-polls count as open connections in the metrics.
 */
class SseIT extends StreamTestBase {

  /** A reader of one SSE response: each data line with the id before it. */
  private final class Feed implements AutoCloseable {
    final BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
    volatile String lastId;
    private final CompletableFuture<HttpResponse<Stream<String>>> response;

    Feed(String query, String lastEventId) {
      var req = HttpRequest.newBuilder(http("/v2/realtime/sse?" + query)).GET();
      if (lastEventId != null) {
        req.header("Last-Event-ID", lastEventId);
      }
      response = SocketClient.HTTP.sendAsync(req.build(), HttpResponse.BodyHandlers.ofLines());
      response.thenAccept(
          r -> {
            String[] id = {null};
            r.body()
                .forEach(
                    line -> {
                      if (line.startsWith("id:")) {
                        id[0] = line.substring(3).trim();
                      } else if (line.startsWith("data:")) {
                        lastId = id[0];
                        frames.add(SocketClient.parse(line.substring(5).trim()));
                      }
                    });
          });
    }

    Map<String, Object> next(String type) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        Map<String, Object> m = frames.poll(100, TimeUnit.MILLISECONDS);
        if (m != null && type.equals(m.get("type"))) {
          return m;
        }
      }
      throw new AssertionError("no " + type + " on the SSE feed");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> events(int count) throws InterruptedException {
      var out = new ArrayList<Map<String, Object>>();
      while (out.size() < count) {
        out.addAll((List<Map<String, Object>>) next("event").get("events"));
      }
      return out;
    }

    int status() throws Exception {
      return response.get(10, TimeUnit.SECONDS).statusCode();
    }

    @Override
    public void close() {
      response.thenAccept(r -> r.body().close());
      response.cancel(true);
    }
  }

  @Test
  void sseDeliversLiveThenResumesExactlyFromLastEventId() throws Exception {
    String org = newOrg();
    String query = "services=finance&access_token=" + TestTokens.user(org);
    String resumeId;
    List<Long> first;
    try (Feed feed = new Feed(query, null)) {
      assertEquals(false, feed.next("ack").get("recovered"));
      first =
          publish(
              List.of(event(org, "finance", 1), event(org, "guest", 2), event(org, "finance", 3)));
      assertEquals(List.of(first.get(0), first.get(2)), seqs(feed.events(2)));
      resumeId = feed.lastId;
    }
    List<Long> missed = publish(List.of(event(org, "finance", 4), event(org, "finance", 5)));
    try (Feed again = new Feed(query, resumeId)) {
      Map<String, Object> ack = again.next("ack");
      assertEquals(true, ack.get("recovered"));
      assertEquals(first.get(2).longValue(), ((Number) ack.get("seq")).longValue());
      assertEquals(missed, seqs(again.events(2)));
      long live = publish(List.of(event(org, "finance", 6))).get(0);
      assertEquals(List.of(live), seqs(again.events(1)));
    }
  }

  @Test
  void sseNeedsAUserTokenAndHonoursTokenProperties() throws Exception {
    String org = newOrg();
    try (Feed none = new Feed("services=finance", null)) {
      assertEquals(401, none.status());
    }
    try (Feed pub = new Feed("access_token=" + TestTokens.publisher(), null)) {
      assertEquals(403, pub.status());
    }
    try (Feed wrongProperty =
        new Feed(
            "propertyId=9&access_token=" + TestTokens.withProperties(org, List.of("1")), null)) {
      assertEquals(403, wrongProperty.status());
    }
  }

  @Test
  void openSseFeedsAndWaitingPollsCountAsActiveConnections() throws Exception {
    // Feeds of other tests close asynchronously: start once none is counted.
    await(WAIT, "other tests' fallbacks to close", () -> open("sse") + open("poll") == 0);
    String org = newOrg();
    String token = TestTokens.user(org);
    try (Feed feed = new Feed("access_token=" + token, null)) {
      feed.next("ack");
      await(WAIT, "the SSE feed to count", () -> open("sse") == 1);

      Map<String, Object> first =
          SocketClient.parse(get("/v2/realtime/poll?waitMs=0", token).body());
      String cursor = "&lastSeq=" + first.get("seq") + "&epoch=" + first.get("epoch");
      var waiting =
          CompletableFuture.supplyAsync(
              () -> get("/v2/realtime/poll?waitMs=20000" + cursor, token));
      await(WAIT, "the waiting poll to count", () -> open("poll") == 1);
      Map<String, Object> m = metrics();
      long sum = 0;
      for (Object n : activeByTransport(m).values()) {
        sum += ((Number) n).longValue();
      }
      assertEquals(sum, ((Number) m.get("activeConnections")).longValue(), m.toString());

      publish(List.of(event(org, "finance", 1)));
      assertEquals(200, waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
      await(WAIT, "the answered poll to stop counting", () -> open("poll") == 0);
    }
    await(WAIT, "the closed feed to stop counting", () -> open("sse") == 0);
  }

  private Map<String, Object> metrics() {
    return SocketClient.parse(get("/v2/realtime/metrics", TestTokens.ops()).body());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> activeByTransport(Map<String, Object> metrics) {
    return (Map<String, Object>) metrics.get("activeByTransport");
  }

  private long open(String transport) {
    return ((Number) activeByTransport(metrics()).get(transport)).longValue();
  }
}
