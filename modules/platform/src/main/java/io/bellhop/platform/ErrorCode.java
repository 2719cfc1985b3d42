package io.bellhop.platform;

/**
 * The shared error codes in {@code {"type":"error","code":...}} frames and HTTP error bodies: every
 * module uses these rather than declaring its own {@code FORBIDDEN}. A module's own codes live in
 * its own enum ({@link WireErrorCode}).
 */
public enum ErrorCode implements WireErrorCode {
  UNAUTHORIZED("missing, invalid or expired token"),
  FORBIDDEN("the token does not allow this"),
  BAD_REQUEST("a request parameter is missing or not valid"),
  BAD_HANDSHAKE("the handshake frame is not valid JSON of the documented shape"),
  UNKNOWN_SERVICE("a service name is not one of the known services"),
  INVALID_EVENT("an event is missing a field or has one of the wrong shape"),
  PAYLOAD_TOO_LARGE("an event payload or request body exceeds the limit"),
  UNKNOWN_MESSAGE("a client message type is not known"),
  TOO_MANY_CONNECTIONS(
      "over a cap on open connections per user, org or node; retry after the hint"),
  LOG_UNAVAILABLE("the event log (NATS JetStream) is unreachable; retry"),
  INTERNAL("unexpected server error");

  private final String description;

  ErrorCode(String description) {
    this.description = description;
  }

  @Override
  public String description() {
    return description;
  }
}
