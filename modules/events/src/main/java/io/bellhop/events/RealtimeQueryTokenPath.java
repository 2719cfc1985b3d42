package io.bellhop.events;

import io.bellhop.platform.QueryTokenPath;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * The realtime endpoints accept {@code ?access_token=} on GETs: old clients pass it on the socket
 * upgrade and the poll, and a browser's {@code EventSource} cannot send a header to the SSE feed.
 */
@Factory
final class RealtimeQueryTokenPath {
  @Singleton
  QueryTokenPath realtime() {
    return new QueryTokenPath("/v2/realtime");
  }
}
