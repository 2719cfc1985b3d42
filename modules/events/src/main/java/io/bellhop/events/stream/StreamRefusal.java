package io.bellhop.events.stream;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;

/** Why a stream connection is refused or ended: the close code plus the error frame sent first. */
final class StreamRefusal extends RuntimeException {
  final CloseCode close;
  final ErrorCode error;

  StreamRefusal(CloseCode close, ErrorCode error, String message) {
    super(message, null, false, false);
    this.close = close;
    this.error = error;
  }
}
