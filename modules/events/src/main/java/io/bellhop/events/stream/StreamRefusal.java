package io.bellhop.events.stream;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;

/** Why a stream connection is refused or ended: the close code plus the error frame sent first. */
final class StreamRefusal extends RuntimeException {
  final CloseCode close;
  final ErrorCode error;

  /** When the client may come back (ms), or -1 when the refusal carries no retry hint. */
  final long retryMs;

  StreamRefusal(CloseCode close, ErrorCode error, String message) {
    this(close, error, message, -1);
  }

  private StreamRefusal(CloseCode close, ErrorCode error, String message, long retryMs) {
    super(message, null, false, false);
    this.close = close;
    this.error = error;
    this.retryMs = retryMs;
  }

  /** Over a per-user, per-org or node cap: 4429 on a socket, 429 over HTTP, with a retry hint. */
  static StreamRefusal tooManyConnections(String message, long retryMs) {
    return new StreamRefusal(
        CloseCode.TOO_MANY_CONNECTIONS, ErrorCode.TOO_MANY_CONNECTIONS, message, retryMs);
  }

  /** The close frame's reason: the retry hint {@code {"retryMs":2317}} if any, else the message. */
  String closeReason() {
    return retryMs >= 0 ? StreamNode.retryReason(retryMs) : getMessage();
  }
}
