package io.bellhop.platform;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.netty.NettyHttpRequest;

/**
 * Runs after authentication: a connection that has carried a request with a valid token leaves the
 * unauthenticated caps of {@link ConnectionGuard}. Keeps a hotel's many keep-alive connections
 * behind one NAT address from counting as strangers.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class AuthenticatedConnectionFilter implements Ordered {
  private final ConnectionGuard guard;

  AuthenticatedConnectionFilter(ConnectionGuard guard) {
    this.guard = guard;
  }

  @RequestFilter
  void promote(HttpRequest<?> request) {
    if (request.getUserPrincipal().isPresent() && request instanceof NettyHttpRequest<?> netty) {
      guard.authenticated(netty.getChannelHandlerContext().channel());
    }
  }

  @Override
  public int getOrder() {
    return ServerFilterPhase.SECURITY.after();
  }
}
