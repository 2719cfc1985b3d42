package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connection caps counted from the right moment: per source address and for unauthenticated
 * connections from accept (excess closed at once), per user and per org once the token is verified
 * (4429 with a retry hint), each released when the connection closes. Tiny caps; attackers come
 * from their own loopback addresses (127.0.0.x), real clients from 127.0.0.1.
 */
@Timeout(60)
class ConnectionCapsIT extends StreamTestBase {
  private static final Duration GENEROUS = Duration.ofSeconds(15);
  private final List<AutoCloseable> open = new ArrayList<>();

  @Override
  public Map<String, String> getProperties() {
    var props = new java.util.HashMap<>(super.getProperties());
    props.put("bellhop.http.request-header-timeout", "30s");
    props.put("bellhop.stream.handshake-timeout", "30s");
    props.put("bellhop.http.max-unauthenticated-per-address", "5");
    props.put("bellhop.http.trusted-addresses", "127.0.0.20/32");
    props.put("bellhop.http.max-unauthenticated", "24");
    props.put("bellhop.realtime.max-connections-per-user", "2");
    props.put("bellhop.realtime.max-connections-per-org", "3");
    return props;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    open.clear();
  }

  private RawTcpClient idleFrom(String address) throws IOException {
    var c = new RawTcpClient(address, server.getPort());
    open.add(c);
    return c;
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  @Test
  void idleConnectionsFromOneAddressStopAtTheUnauthenticatedCapWhileOthersGetIn() throws Exception {
    for (int i = 0; i < 5; i++) {
      idleFrom("127.0.0.2");
    }
    long refusedBefore = refusedAtAccept("unauthenticated-address");
    RawTcpClient sixth = idleFrom("127.0.0.2");
    assertTrue(sixth.awaitServerClose(GENEROUS), "a sixth idle connection was admitted");
    assertTrue(refusedAtAccept("unauthenticated-address") > refusedBefore);

    assertEquals(200, get("/health", null).statusCode());
    String org = newOrg();
    try (SocketClient real = subscribe(org, "")) {
      long seq = publish(List.of(event(org, "finance", 1))).get(0);
      assertEquals(List.of(seq), seqs(real.events(1, WAIT)));
    }
    for (int i = 0; i < 4; i++) {
      assertFalse(idleFrom("127.0.0.12").serverClosed(), "the cap is per source address");
    }
  }

  @Test
  void aTrustedHealthCheckerIsNotCountedAgainstTheCapsOfStrangers() throws Exception {
    for (int i = 0; i < 8; i++) {
      assertFalse(idleFrom("127.0.0.20").serverClosed(), "trusted connection " + i + " refused");
    }
    assertFalse(idleFrom("127.0.0.21").serverClosed(), "others are counted as before");
  }

  @Test
  void socketsThatAuthenticateNoLongerCountAsStrangersOfTheirAddress() throws Exception {
    String org = newOrg();
    for (int i = 0; i < 2; i++) {
      RawTcpClient ws = idleFrom("127.0.0.3").upgrade(server.getPort());
      ws.sendFrame("{\"token\":\"" + TestTokens.userAs("user-" + i, org) + "\"}", true, true);
      ws.readUntil("\"type\":\"ack\"", GENEROUS);
    }
    for (int i = 0; i < 5; i++) {
      assertFalse(idleFrom("127.0.0.3").serverClosed());
    }
    assertTrue(idleFrom("127.0.0.3").awaitServerClose(GENEROUS), "over the cap of strangers");
  }

  @Test
  void theNodeWideUnauthenticatedCapHoldsAcrossAddresses() throws Exception {
    long refusedBefore = refusedAtAccept("unauthenticated-node");
    boolean refused = false;
    // 8 addresses × 5 = 40 allowed per address, but only 24 unauthenticated per node.
    for (int a = 4; a < 12 && !refused; a++) {
      for (int i = 0; i < 5 && !refused; i++) {
        refused = idleFrom("127.0.0." + a).awaitServerClose(Duration.ofMillis(300));
      }
    }
    assertTrue(refused, "no connection was refused by the node-wide unauthenticated cap");
    closeAll();
    assertTrue(refusedAtAccept("unauthenticated-node") > refusedBefore);
  }

  @Test
  void aUserOverItsCapIsClosedWith4429AndARetryHintAndGetsInOnceOneCloses() {
    String org = newOrg();
    String token = TestTokens.userAs("busy-user", org);
    SocketClient first = keep(subscribeWith(token, ""));
    keep(subscribeWith(token, ""));
    SocketClient third = keep(SocketClient.connect(streamUri("")));
    third.send("{\"token\":\"" + token + "\"}");
    assertEquals("TOO_MANY_CONNECTIONS", third.next("error", WAIT).get("code"));
    assertEquals(4429, third.awaitClose(WAIT));
    assertTrue(third.closeReason.join().matches("\\{\"retryMs\":\\d+}"), third.closeReason.join());
    assertTrue(metrics().containsKey("refusedConnections"));

    first.close();
    awaitAck(token);
  }

  @Test
  void anOrgOverItsCapIsClosedWith4429AndGetsInOnceOneCloses() {
    String org = newOrg();
    SocketClient first = keep(subscribeWith(TestTokens.userAs("a", org), ""));
    keep(subscribeWith(TestTokens.userAs("b", org), ""));
    keep(subscribeWith(TestTokens.userAs("c", org), ""));
    SocketClient fourth = keep(SocketClient.connect(streamUri("")));
    fourth.send("{\"token\":\"" + TestTokens.userAs("d", org) + "\"}");
    assertEquals(4429, fourth.awaitClose(WAIT));
    // Another org is not affected by this one's cap.
    keep(subscribe(newOrg(), ""));

    first.close();
    awaitAck(TestTokens.userAs("d", org));
  }

  /** Handshakes until one is acked: the freed slot is given back when the server sees the close. */
  private void awaitAck(String token) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      SocketClient c = keep(SocketClient.connect(streamUri("")));
      c.send("{\"token\":\"" + token + "\"}");
      try {
        c.next("ack", Duration.ofSeconds(5));
        return;
      } catch (AssertionError refused) {
        if (System.nanoTime() > deadline) {
          throw refused;
        }
      }
    }
  }

  private Map<String, Object> metrics() {
    return SocketClient.parse(get("/v2/realtime/metrics", TestTokens.ops()).body());
  }

  @SuppressWarnings("unchecked")
  private long refusedAtAccept(String reason) {
    var refused = (Map<String, Object>) metrics().get("refusedConnections");
    return refused == null ? 0 : ((Number) refused.get("accept/" + reason)).longValue();
  }
}
