package io.bellhop.platform;

/**
 * The shared WebSocket close codes: every socket of every module may send them. A module's own
 * codes live in its own enum ({@link WireCloseCode}, in its {@link CloseCodeRange}). The browser
 * client keeps a copy of every code (checked by tests through {@code docs/codes.json}); {@link
 * #retryable()} tells it whether to reconnect.
 */
public enum CloseCode implements WireCloseCode {
  NORMAL(1000, true, "normal closure"),
  GOING_AWAY(1001, true, "server going away; reconnect elsewhere and resume"),
  PROTOCOL_ERROR(1002, false, "frame breaks the WebSocket protocol (e.g. RSV1 without deflate)"),
  UNSUPPORTED_DATA(1003, false, "binary frame; the stream only takes text"),
  INVALID_PAYLOAD(1007, false, "text message is not valid UTF-8"),
  MESSAGE_TOO_BIG(1009, false, "message over the limit, in one frame, fragmented or inflated"),
  INTERNAL_ERROR(1011, true, "unexpected server error; reconnect and resume"),
  SERVER_RESTART(1012, true, "server draining; reconnect elsewhere and resume"),
  TRY_AGAIN_LATER(1013, true, "event log unreachable; reconnect and resume"),
  UNAUTHORIZED(4001, false, "missing, invalid or expired token"),
  FORBIDDEN(4003, false, "filter outside what the token allows"),
  BAD_HANDSHAKE(4400, false, "handshake is not valid"),
  HANDSHAKE_TIMEOUT(4408, true, "no handshake within the deadline"),
  TOO_MANY_CONNECTIONS(4429, true, "node is at its connection or accept-rate limit"),
  TOO_MANY_MESSAGES(4430, true, "client sent frames faster than its per-connection rate limit"),
  SLOW_CONSUMER(4509, true, "client did not keep up; resume from its cursor");

  private final int code;
  private final boolean retryable;
  private final String description;

  CloseCode(int code, boolean retryable, String description) {
    this.code = code;
    this.retryable = retryable;
    this.description = description;
  }

  @Override
  public int code() {
    return code;
  }

  @Override
  public boolean retryable() {
    return retryable;
  }

  @Override
  public String description() {
    return description;
  }
}
