package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every error a client or publisher can cause gets its documented code. */
class RefusalIT extends StreamTestBase {

  private SocketClient handshake(String frame) {
    SocketClient c = SocketClient.connect(streamUri(""));
    c.send(frame);
    return c;
  }

  @Test
  void publishingNeedsAPublisherToken() {
    String org = newOrg();
    assertEquals(401, post("/v2/realtime/events", null, event(org, "finance", 1)).statusCode());
    assertEquals(
        403,
        post("/v2/realtime/events", TestTokens.user(org, "org_admin"), event(org, "finance", 1))
            .statusCode());
    assertEquals(
        401,
        post("/v2/realtime/events", TestTokens.forged(org), event(org, "finance", 1)).statusCode());
  }

  @Test
  void invalidEventsAreRefusedWithTheirCodesAndNothingIsPublished() {
    String org = newOrg();
    var unknown =
        post(
            "/v2/realtime/events",
            TestTokens.publisher(),
            "[" + event(org, "finance", 1) + "," + event(org, "spa", 2) + "]");
    assertEquals(400, unknown.statusCode());
    assertEquals("UNKNOWN_SERVICE", SocketClient.parse(unknown.body()).get("code"));
    var badOrg =
        post("/v2/realtime/events", TestTokens.publisher(), event("org.with.dots", "finance", 1));
    assertEquals("INVALID_EVENT", SocketClient.parse(badOrg.body()).get("code"));
    var notJson = post("/v2/realtime/events", TestTokens.publisher(), "{nope");
    assertEquals(400, notJson.statusCode());
    String big = "x".repeat(70_000);
    var tooBig =
        post(
            "/v2/realtime/events",
            TestTokens.publisher(),
            "{\"service\":\"finance\",\"type\":\"t\",\"orgId\":\""
                + org
                + "\",\"payload\":{\"pad\":\""
                + big
                + "\"}}");
    assertEquals(413, tooBig.statusCode());
    assertEquals("PAYLOAD_TOO_LARGE", SocketClient.parse(tooBig.body()).get("code"));
    try (SocketClient c = subscribe(org, "")) {
      publish(java.util.List.of(event(org, "finance", 42)));
      assertEquals(
          java.util.List.of(42), c.events(1, WAIT).stream().map(StreamTestBase::n).toList());
    }
  }

  @Test
  void missingForgedOrExpiredTokensAreClosedWith4001() {
    String org = newOrg();
    for (String frame :
        new String[] {
          "{\"services\":[\"finance\"]}",
          "{\"token\":\"" + TestTokens.forged(org) + "\"}",
          "{\"token\":\"" + TestTokens.expiring(org, Instant.now().minusSeconds(120)) + "\"}",
          "{\"token\":\"not.a.jwt\"}"
        }) {
      SocketClient c = handshake(frame);
      assertEquals("UNAUTHORIZED", c.next("error", WAIT).get("code"));
      assertEquals(4001, c.awaitClose(WAIT), frame);
    }
  }

  @Test
  void publisherTokensCannotSubscribe() {
    SocketClient c = handshake("{\"token\":\"" + TestTokens.publisher() + "\"}");
    assertEquals(4003, c.awaitClose(WAIT));
  }

  @Test
  void garbageOrUnknownServiceHandshakeIsClosedWith4400() {
    SocketClient garbage = handshake("hello?");
    assertEquals("BAD_HANDSHAKE", garbage.next("error", WAIT).get("code"));
    assertEquals(4400, garbage.awaitClose(WAIT));
    SocketClient unknown =
        handshake(
            "{\"token\":\"" + TestTokens.user(newOrg()) + "\",\"services\":[\"finance\",\"spa\"]}");
    assertEquals("UNKNOWN_SERVICE", unknown.next("error", WAIT).get("code"));
    assertEquals(4400, unknown.awaitClose(WAIT));
    SocketClient version =
        handshake("{\"token\":\"" + TestTokens.user(newOrg()) + "\",\"version\":2}");
    assertEquals(4400, version.awaitClose(WAIT));
  }

  @Test
  void oversizeFrameIsClosedWith1009() {
    SocketClient c = SocketClient.connect(streamUri(""));
    c.send("{\"pad\":\"" + "x".repeat(20_000) + "\"}");
    assertEquals(1009, c.awaitClose(WAIT));
  }

  @Test
  void noHandshakeWithinTheDeadlineIsClosedWith4408() {
    SocketClient c = SocketClient.connect(streamUri(""));
    assertEquals(4408, c.awaitClose(Duration.ofSeconds(10)));
  }

  @Test
  void withoutRefreshTheStreamClosesWith4001AtExpiry() {
    String org = newOrg();
    SocketClient c = subscribeWith(TestTokens.expiring(org, Instant.now().plusSeconds(5)), "");
    assertEquals(4001, c.awaitClose(Duration.ofSeconds(20)));
  }

  @Test
  void refreshExtendsTheStreamAndAnotherOrgsTokenIsRefused() {
    String org = newOrg();
    SocketClient c = subscribeWith(TestTokens.expiring(org, Instant.now().plusSeconds(5)), "");
    c.send("{\"type\":\"refresh\",\"token\":\"" + TestTokens.user(org) + "\"}");
    assertTrue(c.next("refreshed", WAIT).get("expiresAt") instanceof String);
    c.assertNoEvents(Duration.ofSeconds(7));
    assertEquals(null, c.closeCode.getNow(null));
    publish(java.util.List.of(event(org, "staff", 9)));
    assertEquals(9, n(c.events(1, WAIT).get(0)));
    c.send("{\"type\":\"refresh\",\"token\":\"" + TestTokens.user(newOrg()) + "\"}");
    assertEquals(4003, c.awaitClose(WAIT));
  }
}
