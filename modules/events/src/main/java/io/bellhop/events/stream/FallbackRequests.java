package io.bellhop.events.stream;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.platform.TokenVerifier;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.security.authentication.Authentication;

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

  /** A socket refusal as an HTTP answer: 403 for FORBIDDEN, 400 otherwise. */
  static HttpResponse<ErrorBody> refusal(StreamRefusal r) {
    HttpStatus status =
        r.error == ErrorCode.FORBIDDEN ? HttpStatus.FORBIDDEN : HttpStatus.BAD_REQUEST;
    return HttpResponse.<ErrorBody>status(status).body(ErrorBody.of(r.error, r.getMessage()));
  }
}
