package io.bellhop.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bellhop.platform.QueryTokenPath;
import io.bellhop.platform.QueryTokenReader;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportTokenTest {
  private final QueryTokenReader realtimeOnly =
      new QueryTokenReader(List.of(new QueryTokenPath("/v2/realtime")));

  /** A simple request's parameters do not come from its URI; a server's do. */
  private static MutableHttpRequest<?> get(String path) {
    MutableHttpRequest<?> request = HttpRequest.GET(path);
    request.getParameters().add("access_token", List.of("q"));
    return request;
  }

  @Test
  void theBearerSubprotocolWinsOverTheHeaderAndTheQuery() {
    var upgrade =
        get("/v2/realtime/stream")
            .header("Sec-WebSocket-Protocol", "bearer, p")
            .header("Authorization", "Bearer h");
    assertEquals("p", TransportToken.of(upgrade, realtimeOnly));
  }

  @Test
  void theAuthorizationHeaderWinsOverTheQuery() {
    var upgrade = get("/v2/realtime/stream").bearerAuth("h");
    assertEquals("h", TransportToken.of(upgrade, realtimeOnly));
  }

  @Test
  void aQueryTokenCountsOnlyOnAPathAModuleDeclared() {
    assertEquals("q", TransportToken.of(get("/v2/realtime/stream"), realtimeOnly));
    assertNull(
        TransportToken.of(get("/v2/chat/stream"), realtimeOnly),
        "an undeclared socket path ignores ?access_token=");
  }
}
