package io.bellhop.platform;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.token.reader.TokenReader;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Accepts {@code ?access_token=} on GETs of the realtime fallbacks, because a browser's {@code
 * EventSource} cannot send an {@code Authorization} header. The least safe way to pass a token (it
 * lands in access logs), so it is limited to read-only realtime endpoints and never publishes.
 */
@Singleton
final class QueryTokenReader implements TokenReader<HttpRequest<?>> {
  static final String PARAMETER = "access_token";

  @Override
  public Optional<String> findToken(HttpRequest<?> request) {
    if (request.getMethod() != HttpMethod.GET || !request.getPath().startsWith("/v2/realtime/")) {
      return Optional.empty();
    }
    return Optional.ofNullable(request.getParameters().get(PARAMETER));
  }

  @Override
  public int getOrder() {
    return LOWEST_PRECEDENCE; // a header token, when present, wins
  }
}
