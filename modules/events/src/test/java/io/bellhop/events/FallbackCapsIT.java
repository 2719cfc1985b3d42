package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * SSE streams and waiting long-polls count against the same per-user and per-org caps as sockets,
 * and one org's fallback clients cannot starve another org's handshakes or fallbacks: handshakes
 * have their own threads, and one org's fallback reads get at most one of the two fallback threads
 * here. Old behaviour is reproduced with two shared threads (replay-threads = 2).
 */
@Timeout(90)
class FallbackCapsIT extends StreamTestBase {
  private final List<Feed> feeds = new ArrayList<>();

  @Override
  public Map<String, String> getProperties() {
    var props = new java.util.HashMap<>(super.getProperties());
    props.put("bellhop.realtime.max-connections-per-user", "2");
    props.put("bellhop.realtime.max-connections-per-org", "3");
    props.put("bellhop.stream.replay-threads", "2");
    props.put("bellhop.stream.fallback-threads", "2");
    props.put("bellhop.stream.fallback-threads-per-org", "1");
    props.put("bellhop.stream.heartbeat", "1s");
    props.put("bellhop.test.stuck-org-log", "true");
    return props;
  }

  @AfterEach
  void closeFeeds() {
    StuckOrgLog.release();
    feeds.forEach(Feed::close);
    feeds.clear();
  }

  /** One SSE request: its status, headers, and the data lines as they arrive. */
  private final class Feed implements AutoCloseable {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final CompletableFuture<HttpResponse<Stream<String>>> response;

    Feed(String token) {
      feeds.add(this);
      var req = HttpRequest.newBuilder(http("/v2/realtime/sse?access_token=" + token)).GET();
      response = SocketClient.HTTP.sendAsync(req.build(), HttpResponse.BodyHandlers.ofLines());
      response.thenAcceptAsync(r -> r.body().forEach(lines::add));
    }

    HttpResponse<Stream<String>> answer() throws Exception {
      return response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Whether the server refused this feed with 429; false if admitted (answered or queued). */
    boolean refusedWithin(Duration timeout) throws Exception {
      try {
        return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS).statusCode() == 429;
      } catch (TimeoutException admittedButQueued) {
        return false;
      }
    }

    /** The next SSE data line containing {@code text}. */
    String next(String text) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.contains(text)) {
          return line;
        }
      }
      throw new AssertionError("no line with " + text + " on the SSE feed");
    }

    String body() throws InterruptedException {
      var out = new StringBuilder();
      String line;
      while ((line = lines.poll(2, TimeUnit.SECONDS)) != null) {
        out.append(line);
      }
      return out.toString();
    }

    @Override
    public void close() {
      response.thenAccept(r -> r.body().close());
      response.cancel(true);
    }
  }

  @Test
  void sseAndPollOverTheUserCapAnswer429WithRetryAfterAndGetInOnceASlotIsFree() throws Exception {
    String org = newOrg();
    String token = TestTokens.userAs("fallback-user", org);
    Feed first = new Feed(token);
    first.next("\"ack\"");
    new Feed(token).next("\"ack\"");

    Feed third = new Feed(token);
    assertEquals(429, third.answer().statusCode());
    assertTrue(
        third.answer().headers().firstValue("Retry-After").orElse("").matches("\\d+"),
        String.valueOf(third.answer().headers()));
    assertEquals("TOO_MANY_CONNECTIONS", SocketClient.parse(third.body()).get("code"));

    var poll = get("/v2/realtime/poll?waitMs=0", token);
    assertEquals(429, poll.statusCode());
    assertTrue(poll.headers().firstValue("Retry-After").isPresent());
    assertEquals("TOO_MANY_CONNECTIONS", SocketClient.parse(poll.body()).get("code"));

    // Sockets count against the same cap.
    try (SocketClient socket = SocketClient.connect(streamUri(""))) {
      socket.send("{\"token\":\"" + token + "\"}");
      assertEquals(4429, socket.awaitClose(WAIT));
    }

    first.close();
    await(
        WAIT,
        "the closed feed's slot never came back",
        () -> get("/v2/realtime/poll?waitMs=0", token).statusCode() == 200);
  }

  @Test
  void whileOneOrgsFallbacksAreStuckOtherOrgsHandshakesAndFallbacksAreServed() throws Exception {
    String stuck = StuckOrgLog.PREFIX + newOrg();
    StuckOrgLog.hold();
    new Feed(TestTokens.userAs("a", stuck)).next("\"ack\"");
    new Feed(TestTokens.userAs("b", stuck));
    new Feed(TestTokens.userAs("c", stuck));
    await(WAIT, "the stuck org's feeds never read the log", () -> StuckOrgLog.blocked() > 0);
    // All three are admitted (the org's cap is full), so their reads are queued or blocked.
    await(
        WAIT,
        "the stuck org's feeds were never all admitted",
        () -> new Feed(TestTokens.userAs("d", stuck)).refusedWithin(Duration.ofSeconds(1)));

    String other = newOrg();
    try (SocketClient socket = subscribe(other, "")) {
      long seq = publish(List.of(event(other, "finance", 1))).get(0);
      assertEquals(List.of(seq), seqs(socket.events(1, WAIT)));
    }

    String third = newOrg();
    Feed feed = new Feed(TestTokens.user(third));
    feed.next("\"ack\"");
    long seq = publish(List.of(event(third, "guest", 1))).get(0);
    assertTrue(feed.next("\"event\"").contains("\"seq\":" + seq));
  }

  @Test
  void anSseClientThatGoesAwayStopsItsFeedQuietlyAndFreesItsSlot() throws Exception {
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    try {
      String org = newOrg();
      String token = TestTokens.userAs("leaver", org);
      var publisher =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 40; i++) {
                  publish(List.of(event(org, "finance", i)));
                }
              });
      for (int round = 0; round < 3; round++) {
        Feed a = awaitAdmitted(token);
        Feed b = awaitAdmitted(token);
        a.next("\"event\"");
        a.close(); // mid-stream, while events and pings keep coming
        b.close();
      }
      publisher.get(30, TimeUnit.SECONDS);
      // Two pings on a live feed: ping timers have run since the others left (heartbeat 1 s).
      Feed witness = awaitAdmitted(token);
      witness.next("\"ping\"");
      witness.next("\"ping\"");
      awaitAdmitted(token);
      assertEquals(429, new Feed(token).answer().statusCode(), "the cap still holds");
      List<String> errors = new ArrayList<>();
      for (ILoggingEvent e : appender.list) {
        String text = e.getFormattedMessage() + " " + throwableText(e.getThrowableProxy());
        if (text.contains("onNext before request")) {
          errors.add(text);
        }
      }
      assertEquals(List.of(), errors);
    } finally {
      root.detachAppender(appender);
    }
  }

  /** Opens a feed, retrying while the server has not yet seen an earlier feed's close. */
  private Feed awaitAdmitted(String token) throws Exception {
    Feed[] admitted = {null};
    await(
        WAIT,
        "a departed feed never gave its slot back",
        () -> (admitted[0] = new Feed(token)).answer().statusCode() == 200);
    admitted[0].next("\"ack\"");
    return admitted[0];
  }

  private static String throwableText(IThrowableProxy t) {
    var out = new StringBuilder();
    for (; t != null; t = t.getCause()) {
      out.append(t.getClassName()).append(": ").append(t.getMessage()).append(' ');
    }
    return out.toString();
  }
}
