package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.StreamClient;
import io.bellhop.testing.ProcessOutput;
import io.bellhop.testing.TestServices;
import io.bellhop.testing.TestTokens;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real Bellhop process: every stream session is closed with 1012 and a retry hint, and
 * the process exits within its drain bound.
 */
class DrainIT {
  private Process app;

  @AfterEach
  void kill() {
    if (app != null && app.isAlive()) {
      app.destroyForcibly();
    }
  }

  @Test
  void sigtermClosesSessionsWith1012AndExits() throws Exception {
    int port;
    try (var s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    var props = TestServices.get().properties();
    var pb =
        new ProcessBuilder(
                javaBinary(),
                "-cp",
                System.getProperty("java.class.path"),
                Application.class.getName())
            .redirectErrorStream(true);
    pb.environment().put("MICRONAUT_SERVER_PORT", Integer.toString(port));
    pb.environment().put("NATS_ADDRESSES", props.get("nats.default.addresses"));
    pb.environment().put("JDBC_URL", props.get("datasources.default.url"));
    pb.environment().put("JDBC_USER", props.get("datasources.default.username"));
    pb.environment().put("JDBC_PASSWORD", props.get("datasources.default.password"));
    app = pb.start();
    var log = new ProcessOutput(app);
    log.await("Server Running", Duration.ofSeconds(60));

    String org = "org-drain";
    var clients = new ArrayList<StreamClient>();
    for (int i = 0; i < 3; i++) {
      StreamClient c =
          StreamClient.connect(URI.create("ws://127.0.0.1:" + port + "/v2/realtime/stream"));
      c.send("{\"token\":\"" + TestTokens.user(org) + "\"}");
      c.next("ack", Duration.ofSeconds(15));
      clients.add(c);
    }
    app.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
    for (StreamClient c : clients) {
      assertEquals(1012, c.awaitClose(Duration.ofSeconds(20)));
      assertTrue(c.closeReason.join().contains("retryMs"), c.closeReason.join());
    }
    assertTrue(app.waitFor(30, TimeUnit.SECONDS), "process did not exit after SIGTERM");
    log.await("draining 3 realtime sockets", Duration.ofSeconds(5));
  }

  private static String javaBinary() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }
}
