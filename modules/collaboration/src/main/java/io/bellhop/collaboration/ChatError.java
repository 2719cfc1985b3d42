package io.bellhop.collaboration;

import io.bellhop.platform.WireErrorCode;

/**
 * The collaboration module's own error codes, sent in {@code error} frames and REST bodies. Shared
 * meanings use the platform's {@code ErrorCode} ({@code FORBIDDEN} for a room that is not the
 * caller's, {@code BAD_REQUEST}, {@code INTERNAL}).
 */
public enum ChatError implements WireErrorCode {
  MESSAGE_TOO_LONG("a chat message is empty or longer than the limit; it was not posted"),
  RATE_LIMITED(
      "the user posts faster than allowed; nothing was posted: re-send after retryAfterMs with the"
          + " same clientMsgId"),
  TOO_MANY_ROOMS("the socket has joined as many rooms as allowed; leave one first"),
  NOT_JOINED("a frame about a room this socket has not joined"),
  MESSAGE_NOT_FOUND(
      "no message with this id in this room that the caller may change (or reply to)"),
  ATTACHMENT_NOT_FOUND("the fileId is not a completed upload of the sender; nothing was posted"),
  CHAT_UNAVAILABLE("the chat store (PostgreSQL) could not be reached; nothing was posted, retry");

  private final String description;

  ChatError(String description) {
    this.description = description;
  }

  @Override
  public String description() {
    return description;
  }
}
