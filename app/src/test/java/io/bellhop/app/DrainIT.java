package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real Bellhop process: every stream session is closed with 1012 and a retry hint, and
 * the process exits within its drain bound, with no stack trace in its log.
 */
class DrainIT {
  private AppProcess app;

  @AfterEach
  void kill() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void sigtermClosesSessionsWith1012AndExits() throws Exception {
    int port;
    try (var s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    app = AppProcess.start(port, env -> {});
    var log = app.output();
    log.await("Server Running", Duration.ofSeconds(60));

    String org = "org-drain";
    var clients = new ArrayList<SocketClient>();
    for (int i = 0; i < 3; i++) {
      SocketClient c =
          SocketClient.connect(URI.create("ws://127.0.0.1:" + port + "/v2/realtime/stream"));
      c.send("{\"token\":\"" + TestTokens.user(org) + "\"}");
      c.next("ack", Duration.ofSeconds(15));
      clients.add(c);
    }
    app.terminate();
    for (SocketClient c : clients) {
      assertEquals(1012, c.awaitClose(Duration.ofSeconds(20)));
      assertTrue(c.closeReason.join().contains("retryMs"), c.closeReason.join());
    }
    assertEquals(0, app.awaitExit(Duration.ofSeconds(30)));
    log.await("draining 3 realtime sockets", Duration.ofSeconds(5));
    assertFalse(log.text().contains("\tat "), "a stack trace on shutdown:\n" + log.text());
  }
}
