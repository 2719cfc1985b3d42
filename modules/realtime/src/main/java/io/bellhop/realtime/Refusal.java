package io.bellhop.realtime;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.WireCloseCode;
import io.bellhop.platform.WireErrorCode;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

/**
 * Why a realtime connection is refused or ended: the close code, plus the error frame (or HTTP
 * error body) sent first. Throw it from a {@link SocketHandler} callback or a fallback controller;
 * the kernel sends the error, then closes.
 */
public final class Refusal extends RuntimeException {
  private final WireCloseCode close;
  private final WireErrorCode error;

  /** When the client may come back (ms), or -1 when the refusal carries no retry hint. */
  private final long retryMs;

  /** A refusal with a shared code or one of the module's own (its block, its error names). */
  public Refusal(WireCloseCode close, WireErrorCode error, String message) {
    this(close, error, message, -1);
  }

  private Refusal(WireCloseCode close, WireErrorCode error, String message, long retryMs) {
    super(message, null, false, false);
    this.close = close;
    this.error = error;
    this.retryMs = retryMs;
  }

  /** Over a per-user, per-org or node cap: 4429 on a socket, 429 over HTTP, with a retry hint. */
  static Refusal tooManyConnections(String message, long retryMs) {
    return new Refusal(
        CloseCode.TOO_MANY_CONNECTIONS, ErrorCode.TOO_MANY_CONNECTIONS, message, retryMs);
  }

  public WireCloseCode close() {
    return close;
  }

  public WireErrorCode error() {
    return error;
  }

  /** The hint in ms, or -1 when there is none. */
  public long retryMs() {
    return retryMs;
  }

  /**
   * The same refusal for an HTTP request: 403 for FORBIDDEN, 429 with {@code Retry-After} over a
   * cap, 400 otherwise, with the documented error body.
   */
  public MutableHttpResponse<ErrorBody> toHttpResponse() {
    HttpStatus status =
        error == ErrorCode.FORBIDDEN
            ? HttpStatus.FORBIDDEN
            : error == ErrorCode.TOO_MANY_CONNECTIONS
                ? HttpStatus.TOO_MANY_REQUESTS
                : HttpStatus.BAD_REQUEST;
    MutableHttpResponse<ErrorBody> response =
        HttpResponse.<ErrorBody>status(status).body(ErrorBody.of(error, getMessage()));
    if (retryMs >= 0) {
      response.header(HttpHeaders.RETRY_AFTER, Long.toString((retryMs + 999) / 1000));
    }
    return response;
  }

  /** The close frame's reason: the retry hint {@code {"retryMs":2317}} if any, else the message. */
  String closeReason() {
    return retryMs >= 0 ? RetryHint.reason(retryMs) : getMessage();
  }
}
