package io.bellhop.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.events.StreamTestBase;
import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the app adds to the modules: Prometheus and health (its registry, its JDBC pool, its
 * endpoint settings), its server timeouts, and the dev token helper. The modules' own endpoints are
 * tested in their modules.
 */
class OperationsIT extends StreamTestBase {

  /**
   * A listening client sends nothing after its handshake. With Micronaut's default read-idle
   * timeout every such socket was closed (1001) after 5 minutes, found by the 100k capacity run;
   * only the all-idle timeout may apply, and the server's pings keep it from firing.
   */
  @Test
  void silentClientsAreNotCutForNotSending() {
    var config =
        server
            .getApplicationContext()
            .getBean(
                io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration.class);
    assertEquals(java.time.Duration.ZERO, config.getReadIdleTimeout());
    assertEquals(java.time.Duration.ZERO, config.getWriteIdleTimeout());
    assertTrue(config.getIdleTimeout().toMinutes() >= 1, "the all-idle bound stays");
  }

  @Test
  void prometheusExportsTheStreamAndHealthChecksNatsAndPostgres() {
    var prom = get("/prometheus", TestTokens.ops());
    assertEquals(200, prom.statusCode());
    assertTrue(
        prom.body().contains("bellhop_stream_events_delivered_total"), "stream counters exported");
    assertTrue(prom.body().contains("bellhop_outbox_pending"), "outbox backlog exported");
    assertTrue(prom.body().contains("bellhop_outbox_leader"), "outbox leadership exported");
    var health = get("/health", null);
    assertEquals(200, health.statusCode(), health.body());
    // The indicators run (DOWN would answer 503) but only the status is shown; see below.
    var indicators =
        server
            .getApplicationContext()
            .getBeansOfType(io.micronaut.management.health.indicator.HealthIndicator.class)
            .stream()
            .map(i -> i.getClass().getSimpleName())
            .toList();
    assertTrue(indicators.stream().anyMatch(n -> n.contains("Nats")), indicators.toString());
    assertTrue(indicators.stream().anyMatch(n -> n.contains("Jdbc")), indicators.toString());
  }

  @Test
  void devTokenWorksOutsideProd() {
    var r = get("/dev/token?sub=alice&orgId=org-dev&roles=staff", null);
    assertEquals(200, r.statusCode());
    String token = (String) SocketClient.parse(r.body()).get("token");
    try (SocketClient c = subscribeWith(token, "")) {
      assertTrue(c.closeCode.getNow(null) == null);
    }
  }

  @Test
  void theDevTokenHelperMintsOnlyIdsThePublishApiAccepts() {
    for (String query :
        List.of("orgId=*", "orgId=org.a", "sub=a%0Ab", "orgId=%3E", "propertyIds=1,p%201")) {
      var r = get("/dev/token?" + query, null);
      assertEquals(400, r.statusCode(), query);
      assertEquals("BAD_REQUEST", SocketClient.parse(r.body()).get("code"));
    }
    var publish = post("/v2/realtime/events", TestTokens.publisher(), event("*", "finance", 1));
    assertEquals(400, publish.statusCode());
  }

  /**
   * The ops endpoints refuse in the documented body, whatever the path's spelling: {@code
   * /prometheus/} once slipped past a URL rule and answered 500 with Micronaut's error page.
   */
  @Test
  void opsEndpointsRefuseOtherTokensWithTheDocumentedBody() {
    for (String path : List.of("/v2/realtime/metrics", "/prometheus", "/prometheus/")) {
      var none = get(path, null);
      assertEquals(401, none.statusCode(), path);
      assertEquals("UNAUTHORIZED", SocketClient.parse(none.body()).get("code"), path);
      assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""), path);
      for (String token : List.of(TestTokens.user(newOrg(), "org_admin"), TestTokens.publisher())) {
        var refused = get(path, token);
        assertEquals(403, refused.statusCode(), path);
        Map<String, Object> body = SocketClient.parse(refused.body());
        assertEquals("FORBIDDEN", body.get("code"), path);
        assertTrue(body.get("message") instanceof String m && !m.isBlank(), refused.body());
      }
      assertEquals(200, get(path, TestTokens.ops()).statusCode(), path);
    }
  }

  @Test
  void onlyLivenessIsAnonymousAndItShowsNoDetails() {
    for (String path : List.of("/health", "/health/liveness", "/health/readiness")) {
      var r = get(path, null);
      assertEquals(200, r.statusCode(), path);
      Map<String, Object> body = SocketClient.parse(r.body());
      assertEquals("UP", body.get("status"), path);
      assertFalse(r.body().contains("jdbc:"), path + " shows the JDBC URL: " + r.body());
      assertFalse(r.body().contains("nats://"), path + " shows the NATS URL");
      assertFalse(body.containsKey("details"), path + " shows details");
    }
    for (String path : List.of("/metrics", "/routes", "/beans", "/info", "/threaddump", "/env")) {
      int status = get(path, TestTokens.ops()).statusCode();
      assertTrue(status == 404 || status == 401, path + " answered " + status);
    }
  }
}
