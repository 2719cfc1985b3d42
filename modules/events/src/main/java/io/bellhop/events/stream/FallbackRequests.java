package io.bellhop.events.stream;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.platform.TokenVerifier;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
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
      throw new StreamRefusal(
          CloseCode.FORBIDDEN, ErrorCode.FORBIDDEN, "publisher tokens cannot subscribe");
    }
    return p;
  }

  /**
   * Takes a place under the user's and org's caps (the ones sockets count against too) for as long
   * as the request is open; the caller gives it back when the request ends. Over a cap: a 429
   * refusal with a retry hint.
   */
  static Admission.Slot admit(
      StreamNode node, Principal p, HttpRequest<?> request, String transport) {
    Admission.Result r = node.admission.admit(p);
    if (r.slot() == null) {
      node.metrics.refused(r.refusedBy(), transport);
      throw StreamRefusal.tooManyConnections(
          "too many open connections for this " + r.refusedBy().tag,
          node.retryHintMillis(1_000, 10_000));
    }
    return r.slot();
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

  /** A socket refusal as an HTTP answer: 403 for FORBIDDEN, 429 over a cap, 400 otherwise. */
  static HttpResponse<ErrorBody> refusal(StreamRefusal r) {
    HttpStatus status =
        switch (r.error) {
          case FORBIDDEN -> HttpStatus.FORBIDDEN;
          case TOO_MANY_CONNECTIONS -> HttpStatus.TOO_MANY_REQUESTS;
          default -> HttpStatus.BAD_REQUEST;
        };
    MutableHttpResponse<ErrorBody> response =
        HttpResponse.<ErrorBody>status(status).body(ErrorBody.of(r.error, r.getMessage()));
    if (r.retryMs >= 0) {
      response.header(HttpHeaders.RETRY_AFTER, Long.toString((r.retryMs + 999) / 1000));
    }
    return response;
  }
}
