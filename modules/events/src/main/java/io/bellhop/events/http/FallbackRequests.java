package io.bellhop.events.http;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.platform.TokenVerifier;
import io.bellhop.realtime.Refusal;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

/** What the HTTP fallbacks (long-poll, SSE) share with the socket: who may read, and refusals. */
final class FallbackRequests {
  private FallbackRequests() {}

  /** The reading principal; publisher tokens are refused as on the socket. */
  static Principal subscriber(Authentication authentication) {
    Principal p = TokenVerifier.toPrincipal(authentication);
    if (!p.maySubscribe()) {
      throw new Refusal(
          CloseCode.FORBIDDEN, ErrorCode.FORBIDDEN, "publisher tokens cannot subscribe");
    }
    return p;
  }

  /**
   * Runs {@code action} when the request's connection closes (at once if it already has); returns
   * what unhooks it again, for requests that end before their keep-alive connection does.
   */
  static Runnable onConnectionClosed(HttpRequest<?> request, Runnable action) {
    if (request instanceof NettyHttpRequest<?> netty) {
      ChannelFuture closed = netty.getChannelHandlerContext().channel().closeFuture();
      GenericFutureListener<Future<? super Void>> listener = f -> action.run();
      closed.addListener(listener);
      return () -> closed.removeListener(listener);
    }
    return () -> {};
  }
}
