package io.bellhop.collaboration;

import io.bellhop.platform.WireCloseCode;

/** Close codes of {@code WS /v2/collaboration/chat/stream}, in the collaboration block. */
public enum ChatCloseCode implements WireCloseCode {
  CHAT_STORE_UNAVAILABLE(
      4800, "the chat store (PostgreSQL) could not be reached; reconnect with the same cursors");

  private final int code;
  private final String description;

  ChatCloseCode(int code, String description) {
    this.code = code;
    this.description = description;
  }

  @Override
  public int code() {
    return code;
  }

  @Override
  public boolean retryable() {
    return code % 100 < 50;
  }

  @Override
  public String description() {
    return description;
  }
}
