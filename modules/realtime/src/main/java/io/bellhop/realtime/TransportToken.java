package io.bellhop.realtime;

import io.bellhop.platform.QueryTokenReader;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;

/**
 * The token a client presented with the WebSocket upgrade, if any: {@code Sec-WebSocket-Protocol:
 * bearer, <jwt>}, {@code Authorization: Bearer <jwt>}, or {@code ?access_token=<jwt>} on a path a
 * module declared as a {@code QueryTokenPath} (least safe: it lands in access logs). A token in the
 * handshake frame wins over all three.
 */
final class TransportToken {
  private TransportToken() {}

  // split(",") drops trailing empty parts on purpose: "bearer," names no token and falls through.
  @SuppressWarnings("StringSplitter")
  static String of(HttpRequest<?> request, QueryTokenReader queryTokens) {
    String protocols = request.getHeaders().get("Sec-WebSocket-Protocol");
    if (protocols != null) {
      String[] parts = protocols.split(",");
      for (int i = 0; i + 1 < parts.length; i++) {
        if (parts[i].trim().equalsIgnoreCase("bearer")) {
          return parts[i + 1].trim();
        }
      }
    }
    String auth = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    return queryTokens.findToken(request).orElse(null);
  }
}
