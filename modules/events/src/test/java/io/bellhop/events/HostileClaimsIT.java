package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Claims that could reach a NATS subject, a key or a log line follow one grammar, and tokens with
 * broken time claims are refused: each is refused like a forged token on every transport. The app's
 * own endpoints (the dev token helper, health and Prometheus) are checked in app's OperationsIT.
 */
@Timeout(120)
class HostileClaimsIT extends StreamTestBase {
  private static final List<String> HOSTILE_ORGS = List.of("*", ">", "org.a", "org a", "a\nb");

  /** Refused on the socket (4001), on poll, SSE and cursor (401), with the documented body. */
  private void assertRefusedEverywhere(String token, String what) {
    try (SocketClient c = SocketClient.connect(streamUri(""))) {
      c.send("{\"token\":\"" + token + "\",\"version\":1,\"lastSeq\":0}");
      assertEquals(4001, c.awaitClose(WAIT), what + " on the socket");
    }
    for (String path :
        List.of(
            "/v2/realtime/poll?lastSeq=0&waitMs=0",
            "/v2/realtime/cursor",
            "/v2/realtime/sse?lastSeq=0",
            "/v2/realtime/poll?lastSeq=0&waitMs=0&access_token=" + token)) {
      HttpResponse<String> r = get(path, path.contains("access_token") ? null : token);
      assertEquals(401, r.statusCode(), what + " on " + path);
      assertEquals("UNAUTHORIZED", SocketClient.parse(r.body()).get("code"), r.body());
    }
  }

  @Test
  void aTokenWhoseOrgIdIsAWildcardOrBreaksTheGrammarReadsNothingAnywhere() {
    String victim = newOrg();
    publish(List.of(event(victim, "finance", 1)));
    for (String org : HOSTILE_ORGS) {
      assertRefusedEverywhere(TestTokens.custom(org, c -> {}), "orgId " + org.replace("\n", "\\n"));
    }
  }

  @Test
  void aSubThatWouldForgeALogLineIsRefused() {
    String org = newOrg();
    assertRefusedEverywhere(
        TestTokens.custom(org, c -> c.subject("alice\nstream.open session=x org=other")),
        "sub with a line break");
  }

  @Test
  void tokensWithoutExpOrNotYetValidAreRefusedButSmallClockSkewIsTolerated() {
    String org = newOrg();
    assertRefusedEverywhere(TestTokens.custom(org, c -> c.expirationTime(null)), "no exp");
    assertRefusedEverywhere(
        TestTokens.custom(org, c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))),
        "nbf in 10 min");
    assertRefusedEverywhere(
        TestTokens.custom(org, c -> c.issueTime(Date.from(Instant.now().plusSeconds(600)))),
        "iat in 10 min");
    String skewed =
        TestTokens.custom(
            org,
            c ->
                c.notBeforeTime(Date.from(Instant.now().plusSeconds(20)))
                    .issueTime(Date.from(Instant.now().plusSeconds(20))));
    try (SocketClient c = subscribeWith(skewed, "")) {
      assertFalse(c.closeCode.isDone(), "a token 20 s ahead of our clock is accepted");
    }
  }

  @Test
  void propertyIdsOutOfRangeAreRefusedNotWrappedOrClamped() {
    String org = newOrg();
    assertRefusedEverywhere(
        TestTokens.custom(
            org, c -> c.claim("propertyIds", List.of(new BigInteger("18446744073709551617")))),
        "token propertyId 2^64+1");
    for (String id : List.of("18446744073709551617", "1e30", "1.5", "\"p 1\"", "\"*\"")) {
      var r =
          post(
              "/v2/realtime/events",
              TestTokens.publisher(),
              "{\"service\":\"finance\",\"type\":\"t\",\"orgId\":\""
                  + org
                  + "\",\"propertyId\":"
                  + id
                  + ",\"payload\":{}}");
      assertEquals(400, r.statusCode(), "propertyId " + id + ": " + r.body());
      assertEquals("INVALID_EVENT", SocketClient.parse(r.body()).get("code"));
    }
  }

  @Test
  void aRequestedPropertyOutsideTheGrammarIsRefusedEvenForAnOrgAdmin() {
    String org = newOrg();
    String admin = TestTokens.user(org, "org_admin");
    try (SocketClient c = SocketClient.connect(streamUri(""))) {
      c.send(
          "{\"token\":\""
              + admin
              + "\",\"version\":1,\"filters\":{\"propertyId\":\"p\\nstream.open org=x\"}}");
      assertEquals(4400, c.awaitClose(WAIT));
    }
    var poll = get("/v2/realtime/poll?waitMs=0&propertyId=p%0Ax", admin);
    assertEquals(400, poll.statusCode(), poll.body());
  }

  @Test
  void refusalsFromTheSecurityLayerUseTheDocumentedBody() {
    var noToken = get("/v2/realtime/cursor", null);
    assertEquals(401, noToken.statusCode());
    assertEquals("UNAUTHORIZED", SocketClient.parse(noToken.body()).get("code"));
    var forged = get("/v2/realtime/cursor", TestTokens.forged(newOrg()));
    assertEquals(401, forged.statusCode());
    var notOps = get("/v2/realtime/metrics", TestTokens.user(newOrg()));
    assertEquals(403, notOps.statusCode());
    assertEquals("FORBIDDEN", SocketClient.parse(notOps.body()).get("code"));
  }

  @Test
  void anUpgradeFromAForeignOriginIsRefusedWithTheDocumentedBody() throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", server.getPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              """
                  GET /v2/realtime/stream HTTP/1.1\r
                  Host: 127.0.0.1\r
                  Upgrade: websocket\r
                  Connection: Upgrade\r
                  Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                  Sec-WebSocket-Version: 13\r
                  Origin: https://evil.example\r
                  \r
                  """
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      assertTrue(in.readLine().contains(" 403 "));
      int length = -1;
      String line;
      var headers = new StringBuilder();
      while (!(line = in.readLine()).isEmpty()) {
        headers.append(line).append('|');
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      assertTrue(length > 0, "the 403 has a body: " + headers);
      char[] body = new char[length];
      int read = 0;
      while (read < length) {
        read += in.read(body, read, length - read);
      }
      assertEquals("FORBIDDEN", SocketClient.parse(new String(body)).get("code"));
    }
  }
}
