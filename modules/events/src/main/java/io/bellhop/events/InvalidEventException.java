package io.bellhop.events;

import io.bellhop.platform.ErrorCode;

/** An event failed validation; nothing of the call was published. */
public final class InvalidEventException extends RuntimeException {
  private final ErrorCode code;

  public InvalidEventException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
