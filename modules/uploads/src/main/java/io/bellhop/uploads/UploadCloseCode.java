package io.bellhop.uploads;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.WireCloseCode;
import io.bellhop.platform.WireErrorCode;

/**
 * Close codes of {@code WS /v2/documents/upload/stream}, in the uploads block (4700–4799): 47xx
 * below 4750 mean "reconnect and resume from the offset", from 4750 on the upload cannot go on.
 */
public enum UploadCloseCode implements WireCloseCode {
  UPLOAD_STORAGE_UNAVAILABLE(4700, "upload storage failed; reconnect and resume from the offset"),
  UPLOAD_OUT_OF_ORDER(
      4701, "a chunk arrived out of sequence; reconnect and resume from the offset"),
  UPLOAD_TAKEN_OVER(4750, "a newer connection resumed this upload; do not reconnect"),
  UPLOAD_REJECTED(
      4751, "the file was refused (size, type, checksum, or too many open uploads) and discarded"),
  UPLOAD_GONE(4752, "the upload is unknown, expired, complete, failed or deleted");

  private final int code;
  private final String description;

  UploadCloseCode(int code, String description) {
    this.code = code;
    this.description = description;
  }

  /** The close code that ends a socket refused with {@code error}. */
  public static WireCloseCode closing(WireErrorCode error) {
    if (error instanceof UploadError e) {
      return switch (e) {
        case STORAGE_UNAVAILABLE -> UPLOAD_STORAGE_UNAVAILABLE;
        case OUT_OF_ORDER -> UPLOAD_OUT_OF_ORDER;
        case UPLOAD_TAKEN_OVER -> UPLOAD_TAKEN_OVER;
        case SIZE_EXCEEDED, UNSUPPORTED_TYPE, CHECKSUM_MISMATCH, TOO_MANY_UPLOADS ->
            UPLOAD_REJECTED;
        case UPLOAD_INCOMPLETE -> UPLOAD_OUT_OF_ORDER;
        // DOCUMENT_NOT_FOUND is an HTTP answer only; a socket would have nothing to resume.
        case UPLOAD_EXPIRED, UPLOAD_NOT_FOUND, UPLOAD_CLOSED, DOCUMENT_NOT_FOUND -> UPLOAD_GONE;
      };
    }
    if (error == ErrorCode.FORBIDDEN) {
      return CloseCode.FORBIDDEN;
    }
    if (error == ErrorCode.BAD_REQUEST || error == ErrorCode.BAD_HANDSHAKE) {
      return CloseCode.BAD_HANDSHAKE;
    }
    return CloseCode.INTERNAL_ERROR;
  }

  @Override
  public int code() {
    return code;
  }

  @Override
  public boolean retryable() {
    return code < 4750;
  }

  @Override
  public String description() {
    return description;
  }
}
