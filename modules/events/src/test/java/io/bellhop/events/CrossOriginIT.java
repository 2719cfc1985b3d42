package io.bellhop.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bellhop.testing.SocketClient;
import io.bellhop.testing.TestTokens;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * CORS for the browser-facing HTTP endpoints, from the same allow-list as the socket's Origin check
 * (the default: {@code http://localhost:*} and {@code http://127.0.0.1:*}).
 */
class CrossOriginIT extends StreamTestBase {
  private static final String APP = "http://localhost:5173";
  private static final String FOREIGN = "https://evil.example";

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredWithoutAToken() {
    var r = preflight("/v2/realtime/config", APP, "GET", "authorization");

    assertEquals(204, r.statusCode());
    assertEquals(Optional.of(APP), header(r, "Access-Control-Allow-Origin"));
    assertEquals(Optional.of("GET"), header(r, "Access-Control-Allow-Methods"));
    assertEquals(Optional.of("authorization"), header(r, "Access-Control-Allow-Headers"));
    assertEquals(Optional.of("Origin"), header(r, "Vary"));
    assertEquals(Optional.of("600"), header(r, "Access-Control-Max-Age"));
    assertEquals(Optional.empty(), header(r, "Access-Control-Allow-Credentials"));
  }

  @Test
  void aPreflightForAPublishIsAnsweredForItsMethodAndHeaders() {
    var r = preflight("/v2/realtime/events", APP, "POST", "authorization, content-type");

    assertEquals(204, r.statusCode());
    assertEquals(Optional.of("POST"), header(r, "Access-Control-Allow-Methods"));
    assertEquals(
        Optional.of("authorization, content-type"), header(r, "Access-Control-Allow-Headers"));
  }

  @Test
  void everyBrowserFacingEndpointAnswersAnAllowedOriginWithCors() throws Exception {
    String org = newOrg();
    String token = TestTokens.user(org);
    for (String path :
        List.of(
            "/v2/realtime/config",
            "/v2/realtime/cursor",
            "/v2/realtime/poll?waitMs=0",
            "/v2/realtime/sse")) {
      var r = getFrom(path, APP, token);
      assertEquals(200, r.statusCode(), path);
      assertEquals(Optional.of(APP), header(r, "Access-Control-Allow-Origin"), path);
      assertTrue(
          header(r, "Access-Control-Expose-Headers").orElse("").contains("Retry-After"), path);
      r.body().close();
    }
    var published = publishFrom(APP, event(org, "finance", 1));
    assertEquals(200, published.statusCode());
    assertEquals(Optional.of(APP), header(published, "Access-Control-Allow-Origin"));
  }

  @Test
  void aRefusalCarriesCorsSoThePageCanReadWhy() throws Exception {
    var r = getFrom("/v2/realtime/config", APP, null);

    assertEquals(401, r.statusCode());
    assertEquals(Optional.of(APP), header(r, "Access-Control-Allow-Origin"));
    assertEquals("UNAUTHORIZED", SocketClient.parse(body(r)).get("code"));
  }

  @Test
  void aForeignOriginIsRefusedBeforeAnyWork() throws Exception {
    var preflight = preflight("/v2/realtime/config", FOREIGN, "GET", "authorization");
    assertEquals(403, preflight.statusCode());
    assertEquals(Optional.empty(), header(preflight, "Access-Control-Allow-Origin"));
    assertEquals("FORBIDDEN", SocketClient.parse(body(preflight)).get("code"));

    String org = newOrg();
    SocketClient subscriber = subscribe(org, "");
    var read = getFrom("/v2/realtime/poll?waitMs=0", FOREIGN, TestTokens.user(org));
    assertEquals(403, read.statusCode());
    assertEquals(Optional.empty(), header(read, "Access-Control-Allow-Origin"));
    read.body().close();

    var publish = publishFrom(FOREIGN, event(org, "finance", 1));
    assertEquals(403, publish.statusCode());
    publish(List.of(event(org, "finance", 2)));
    try (subscriber) {
      assertEquals(2, n(subscriber.events(1, WAIT).get(0)), "the refused publish left nothing");
    }
  }

  @Test
  void theServersOwnOriginAndNonBrowserClientsNeedNoList() throws Exception {
    String own = "http://127.0.0.1:" + server.getPort();
    var sameOrigin = getFrom("/v2/realtime/config", own, TestTokens.user(newOrg()));
    assertEquals(200, sameOrigin.statusCode());
    sameOrigin.body().close();

    var noOrigin = get("/v2/realtime/config", TestTokens.user(newOrg()));
    assertEquals(200, noOrigin.statusCode());
    assertFalse(noOrigin.headers().firstValue("Access-Control-Allow-Origin").isPresent());
  }

  private HttpResponse<String> preflight(
      String path, String origin, String method, String headers) {
    return send(
        HttpRequest.newBuilder(http(path))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", headers)
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
  }

  private HttpResponse<String> publishFrom(String origin, String event) {
    return send(
        HttpRequest.newBuilder(http("/v2/realtime/events"))
            .header("Origin", origin)
            .header("Authorization", "Bearer " + TestTokens.publisher())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(event)));
  }

  /** A GET whose body is a stream of lines, so an SSE response can be checked and closed. */
  private HttpResponse<Stream<String>> getFrom(String path, String origin, String token)
      throws Exception {
    var req =
        HttpRequest.newBuilder(http(path))
            .timeout(Duration.ofSeconds(30))
            .header("Origin", origin)
            .GET();
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return SocketClient.HTTP.send(req.build(), HttpResponse.BodyHandlers.ofLines());
  }

  private static HttpResponse<String> send(HttpRequest.Builder req) {
    try {
      return SocketClient.HTTP.send(
          req.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String body(HttpResponse<?> r) {
    return r.body() instanceof Stream<?> lines
        ? String.join("\n", lines.map(String::valueOf).toList())
        : String.valueOf(r.body());
  }

  private static Optional<String> header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name);
  }
}
