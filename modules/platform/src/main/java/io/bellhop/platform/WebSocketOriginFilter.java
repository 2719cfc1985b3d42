package io.bellhop.platform;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/** Refuses WebSocket upgrades from browser origins outside the {@link OriginPolicy}. */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class WebSocketOriginFilter {
  private final OriginPolicy policy;

  WebSocketOriginFilter(OriginPolicy policy) {
    this.policy = policy;
  }

  @RequestFilter
  @Nullable
  HttpResponse<?> checkOrigin(HttpRequest<?> request) {
    String upgrade = request.getHeaders().get(HttpHeaders.UPGRADE);
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      return null;
    }
    String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
    if (policy.allows(origin, request.getHeaders().get(HttpHeaders.HOST))) {
      return null;
    }
    return HttpResponse.status(io.micronaut.http.HttpStatus.FORBIDDEN)
        .body(new ErrorBody(ErrorCode.FORBIDDEN.name(), "origin " + origin + " is not allowed"));
  }
}
