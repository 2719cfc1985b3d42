package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.StreamClient;
import io.bellhop.testing.TestServices;
import io.bellhop.testing.TestTokens;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    var log = new ProcessLog(app);
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

  /** The child's output, read as it comes; lets a test wait for a line instead of polling. */
  private static final class ProcessLog {
    private final StringBuffer text = new StringBuffer();
    private final List<Map.Entry<String, CompletableFuture<Void>>> waiters = new ArrayList<>();

    ProcessLog(Process process) {
      var reader =
          new Thread(
              () -> {
                try (var lines =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    text.append(line).append('\n');
                    synchronized (waiters) {
                      for (var w : waiters) {
                        if (line.contains(w.getKey())) {
                          w.getValue().complete(null);
                        }
                      }
                    }
                  }
                } catch (IOException ended) {
                  // the process is gone
                }
              },
              "drain-it-log");
      reader.setDaemon(true);
      reader.start();
    }

    void await(String fragment, Duration timeout) throws Exception {
      var seen = new CompletableFuture<Void>();
      synchronized (waiters) {
        if (text.indexOf(fragment) >= 0) {
          return;
        }
        waiters.add(Map.entry(fragment, seen));
      }
      try {
        seen.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("no \"" + fragment + "\" within " + timeout + ":\n" + text);
      }
    }
  }

  private static String javaBinary() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }
}
