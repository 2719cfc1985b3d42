package io.bellhop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueryTokenReaderTest {
  private static final Optional<String> TOKEN = Optional.of("t");
  private static final Optional<String> NONE = Optional.empty();

  private final QueryTokenReader reader =
      new QueryTokenReader(
          List.of(
              new QueryTokenPath("/v2/realtime"),
              new QueryTokenPath("/v2/documents/upload/stream")));

  /** {@code request} with {@code ?access_token=t}. */
  private static HttpRequest<?> withToken(MutableHttpRequest<?> request) {
    request.getParameters().add(QueryTokenReader.PARAMETER, List.of("t"));
    return request;
  }

  @Test
  void aGetOnADeclaredPathOrBelowItCarriesTheQueryToken() {
    assertEquals(TOKEN, reader.findToken(withToken(HttpRequest.GET("/v2/realtime/sse"))));
    assertEquals(TOKEN, reader.findToken(withToken(HttpRequest.GET("/v2/realtime"))));
    assertEquals(TOKEN, reader.findToken(withToken(HttpRequest.GET("/v2/realtime/stream/"))));
    assertEquals(
        TOKEN, reader.findToken(withToken(HttpRequest.GET("/v2/documents/upload/stream"))));
    assertEquals(NONE, reader.findToken(HttpRequest.GET("/v2/realtime/sse")));
  }

  @Test
  void anyOtherPathIgnoresIt() {
    for (String path :
        List.of(
            "/v2/documents/upload/abc/progress",
            "/v2/realtimes/sse",
            "/v2/realtime-admin",
            "/v2",
            "/",
            "/v2/realtime/../documents/x",
            "/v2/realtime/%2e%2e/documents/x",
            "/v2/realtime/./sse",
            "/v2/realtime//sse",
            "/v2/realtime/..;/documents",
            "/v2/documents/upload/streamX")) {
      assertEquals(NONE, reader.findToken(withToken(HttpRequest.GET(path))), path);
    }
  }

  @Test
  void otherMethodsNeverCarryIt() {
    assertEquals(NONE, reader.findToken(withToken(HttpRequest.POST("/v2/realtime/events", "{}"))));
    assertEquals(NONE, reader.findToken(withToken(HttpRequest.DELETE("/v2/realtime/sse"))));
    assertEquals(NONE, reader.findToken(withToken(HttpRequest.HEAD("/v2/realtime/sse"))));
  }

  @Test
  void withoutDeclarationsNoPathAcceptsIt() {
    QueryTokenReader none = new QueryTokenReader(List.of());
    assertEquals(NONE, none.findToken(withToken(HttpRequest.GET("/v2/realtime/sse"))));
  }

  @Test
  void aHeaderTokenWins() {
    assertEquals(QueryTokenReader.LOWEST_PRECEDENCE, reader.getOrder());
  }

  @Test
  void aDeclarationIsOnePlainAbsolutePath() {
    for (String bad :
        List.of(
            "", "/", "v2/realtime", "/v2/realtime/", "/v2//x", "/v2/../x", "/v2/*", "/v2/%2e")) {
      assertThrows(IllegalArgumentException.class, () -> new QueryTokenPath(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> new QueryTokenPath(null));
  }
}
