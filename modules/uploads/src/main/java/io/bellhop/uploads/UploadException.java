package io.bellhop.uploads;

import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.WireErrorCode;

/**
 * An upload operation refused or failed, with the code a front end sends on. The message is safe to
 * show the client: it never echoes client input or names another user's data.
 */
public final class UploadException extends Exception {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // enums are serialisable; the interface type does not say so
  private final WireErrorCode code;

  public UploadException(WireErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public UploadException(WireErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public WireErrorCode code() {
    return code;
  }

  /** The documented error body (and, with {@code toFrame()}, the socket's error frame). */
  public ErrorBody toErrorBody() {
    return ErrorBody.of(code, getMessage());
  }
}
