package io.bellhop.collaboration.chat;

import io.bellhop.platform.WireErrorCode;

/**
 * A refused chat frame or request: its code and message go to the client in an {@code error} frame
 * (the socket stays open) or an error body.
 */
final class ChatException extends RuntimeException {
  private final WireErrorCode code;
  private final String roomId;
  private final long retryAfterMs;

  ChatException(WireErrorCode code, String message, String roomId) {
    this(code, message, roomId, 0);
  }

  ChatException(WireErrorCode code, String message, String roomId, long retryAfterMs) {
    super(message, null, false, false);
    this.code = code;
    this.roomId = roomId;
    this.retryAfterMs = retryAfterMs;
  }

  WireErrorCode code() {
    return code;
  }

  /** The room the refused frame was about, or null. */
  String roomId() {
    return roomId;
  }

  /** For {@code RATE_LIMITED}: when to re-send; 0 otherwise. */
  long retryAfterMs() {
    return retryAfterMs;
  }
}
