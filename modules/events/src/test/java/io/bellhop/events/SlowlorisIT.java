package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections that hold a descriptor without ever finishing a request or a handshake are closed:
 * the request head has a deadline (here 1 s) on every HTTP connection and again after each
 * keep-alive response, and an upgraded socket has the stream's handshake deadline (here 1 s).
 */
@Timeout(60)
class SlowlorisIT extends StreamTestBase {
  private static final Duration GENEROUS = Duration.ofSeconds(15);

  @Override
  public Map<String, String> getProperties() {
    var props = new java.util.HashMap<>(super.getProperties());
    props.put("bellhop.http.request-header-timeout", "1s");
    props.put("bellhop.stream.close-grace", "1s");
    return props;
  }

  @Test
  void aConnectionThatDribblesItsRequestHeadForeverIsClosed() throws Exception {
    try (var slow = new RawTcpClient("127.0.0.1", server.getPort())) {
      slow.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      long deadline = System.nanoTime() + GENEROUS.toNanos();
      boolean closed = false;
      for (int i = 0; !closed && System.nanoTime() < deadline; i++) {
        // Never the blank line that ends the head; a failed write means the server hung up.
        closed = !slow.trySend("X-Slow-" + i + ": 1\r\n") || slow.serverClosed();
      }
      assertTrue(closed, "the server still holds a request head that never ends");
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws Exception {
    try (var idle = new RawTcpClient("127.0.0.1", server.getPort())) {
      assertTrue(idle.awaitServerClose(GENEROUS), "an idle connection was never closed");
    }
  }

  @Test
  void aKeepAliveConnectionIsServedAgainThenClosedWhenIdle() throws Exception {
    try (var client = new RawTcpClient("127.0.0.1", server.getPort())) {
      for (int i = 0; i < 2; i++) {
        client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals("HTTP/1.1 200 Ok", client.readResponse(GENEROUS));
      }
      assertTrue(client.awaitServerClose(GENEROUS), "an idle keep-alive connection stayed open");
    }
  }

  @Test
  void anUpgradedSocketThatSendsNothingIsClosedWith4408() throws Exception {
    try (var silent = new RawTcpClient("127.0.0.1", server.getPort()).upgrade(server.getPort())) {
      assertEquals(4408, closeCode(silent.drainUntilClosed(GENEROUS)));
    }
  }

  @Test
  void anUpgradedSocketThatDribblesItsHandshakeFrameIsClosedWith4408() throws Exception {
    try (var dribbler = new RawTcpClient("127.0.0.1", server.getPort()).upgrade(server.getPort())) {
      dribbler.sendFrame("{\"version\":1,", true, false);
      long deadline = System.nanoTime() + GENEROUS.toNanos();
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline) {
        // Continuation fragments, never the final one.
        closed = !dribbler.tryFrame(" ", false, false) || dribbler.serverClosed();
      }
      assertTrue(closed, "a dribbled handshake kept the socket open");
    }
  }

  @Test
  void aStreamSocketOutlivesTheRequestHeadDeadlineOnceItHasHandshaken() throws Exception {
    String org = newOrg();
    try (SocketClient client = subscribe(org, "");
        var idle = new RawTcpClient("127.0.0.5", server.getPort())) {
      // A connection opened after the upgrade is cut by its request-head deadline: the upgraded
      // socket's own deadline, had it kept one, has passed too.
      assertTrue(idle.awaitServerClose(GENEROUS), "the request-head deadline never fired");
      long seq = publish(List.of(event(org, "finance", 1))).get(0);
      assertEquals(List.of(seq), seqs(client.events(1, WAIT)));
    }
  }

  /** The code of the first close frame in raw server bytes (no extensions negotiated), or -1. */
  private static int closeCode(String raw) {
    for (int i = 0; i + 3 < raw.length(); i++) {
      if (raw.charAt(i) == 0x88 && raw.charAt(i + 1) >= 2 && raw.charAt(i + 1) < 126) {
        return (raw.charAt(i + 2) << 8) | raw.charAt(i + 3);
      }
    }
    return -1;
  }
}
