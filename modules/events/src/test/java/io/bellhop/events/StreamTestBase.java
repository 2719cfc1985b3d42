package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bellhop.testing.RealServicesTest;
import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the end-to-end tests of the stream: a running server (the events and platform modules
 * here, the whole app in {@code app/}'s tests, which reach this class through the events test-jar)
 * against real nats-server and PostgreSQL, driven over real sockets. The server trusts {@link
 * TestTokens}. Each test uses fresh org ids, so tests never see each other's events.
 */
// Not transactional: with micronaut-data on the classpath each test would run in a transaction.
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StreamTestBase extends RealServicesTest {
  protected static final Duration WAIT = Duration.ofSeconds(15);

  @Inject protected EmbeddedServer server;

  /**
   * {@link #APP_SETTINGS}, then short timeouts and a small per-client queue, so limits are reached
   * quickly.
   */
  @Override
  public Map<String, String> getProperties() {
    var props = new java.util.HashMap<>(super.getProperties());
    props.putAll(APP_SETTINGS);
    props.put("bellhop.stream.handshake-timeout", "1s");
    props.put("bellhop.stream.expiry-grace", "1s");
    props.put("bellhop.stream.max-queued-bytes", "1048576");
    props.put("bellhop.stream.close-grace", "20s");
    return props;
  }

  /** A condition a test waits for; may throw, which fails the test. */
  protected interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Waits until {@code condition} holds, re-checking every 20 ms; fails with {@code what} after
   * {@code timeout}.
   */
  protected static void await(Duration timeout, String what, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " (waited " + timeout.toSeconds() + " s)");
      }
      LockSupport.parkNanos(20_000_000L);
    }
  }

  protected static String newOrg() {
    return "org-" + UUID.randomUUID().toString().substring(0, 8);
  }

  protected URI streamUri(String query) {
    return URI.create("ws://127.0.0.1:" + server.getPort() + "/v2/realtime/stream" + query);
  }

  protected URI http(String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }

  /** Opens a socket, sends a handshake with a user token of {@code org}, and awaits the ack. */
  protected SocketClient subscribe(String org, String extraHandshakeFields) {
    return subscribeWith(TestTokens.user(org), extraHandshakeFields);
  }

  protected SocketClient subscribeWith(String token, String extraHandshakeFields) {
    SocketClient c = SocketClient.connect(streamUri(""));
    c.send("{\"token\":\"" + token + "\",\"version\":1" + extraHandshakeFields + "}");
    c.next("ack", WAIT);
    return c;
  }

  protected static String event(String org, String service, int n) {
    return "{\"service\":\""
        + service
        + "\",\"type\":\"test.tick\",\"orgId\":\""
        + org
        + "\",\"payload\":{\"n\":"
        + n
        + "}}";
  }

  /** Publishes over HTTP with a publisher token; returns the assigned seqs. */
  @SuppressWarnings("unchecked")
  protected List<Long> publish(List<String> events) {
    HttpResponse<String> r =
        post("/v2/realtime/events", TestTokens.publisher(), "[" + String.join(",", events) + "]");
    assertEquals(200, r.statusCode(), r.body());
    var seqs = new ArrayList<Long>();
    for (Object s : (List<Object>) SocketClient.parse(r.body()).get("seqs")) {
      seqs.add(((Number) s).longValue());
    }
    return seqs;
  }

  /** Publishes {@code count} events of one service to {@code org}, 500 per request. */
  protected List<Long> publishMany(String org, String service, int count) {
    var seqs = new ArrayList<Long>();
    for (int start = 0; start < count; start += 500) {
      var batch = new ArrayList<String>();
      for (int i = start; i < Math.min(count, start + 500); i++) {
        batch.add(event(org, service, i));
      }
      seqs.addAll(publish(batch));
    }
    return seqs;
  }

  protected HttpResponse<String> post(String path, String token, String body) {
    try {
      var req =
          HttpRequest.newBuilder(http(path))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body));
      if (token != null) {
        req.header("Authorization", "Bearer " + token);
      }
      return SocketClient.HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  protected HttpResponse<String> get(String path, String token) {
    try {
      var req = HttpRequest.newBuilder(http(path)).timeout(Duration.ofSeconds(30)).GET();
      if (token != null) {
        req.header("Authorization", "Bearer " + token);
      }
      return SocketClient.HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Like assertEquals on seq lists, but reports the first difference instead of both lists. */
  protected static void assertSeqs(List<Long> expected, List<Long> actual) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError(
            "seq #"
                + i
                + ": expected "
                + expected.get(i)
                + " but got "
                + actual.get(i)
                + " (expected "
                + expected.size()
                + " seqs, got "
                + actual.size()
                + ")");
      }
    }
    assertEquals(expected.size(), actual.size(), "number of events");
  }

  protected static List<Long> seqs(List<Map<String, Object>> envelopes) {
    return envelopes.stream().map(e -> ((Number) e.get("seq")).longValue()).toList();
  }

  @SuppressWarnings("unchecked")
  protected static int n(Map<String, Object> envelope) {
    return ((Number) ((Map<String, Object>) envelope.get("payload")).get("n")).intValue();
  }
}
