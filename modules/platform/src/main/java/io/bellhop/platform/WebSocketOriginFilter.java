package io.bellhop.platform;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.nio.charset.StandardCharsets;

/** Refuses WebSocket upgrades from browser origins outside the {@link OriginPolicy}. */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class WebSocketOriginFilter {
  private static final byte[] FORBIDDEN_BODY =
      ("{\"code\":\""
              + ErrorCode.FORBIDDEN.name()
              + "\",\"message\":\"this origin is not allowed to open a WebSocket;"
              + " see BELLHOP_ALLOWED_ORIGINS\"}")
          .getBytes(StandardCharsets.UTF_8);

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
    // Encoded here: the upgrade path writes the response as it is, without a body codec. The origin
    // is not echoed (it is attacker-chosen text).
    return HttpResponse.status(io.micronaut.http.HttpStatus.FORBIDDEN)
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(FORBIDDEN_BODY.clone());
  }
}
