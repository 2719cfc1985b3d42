package io.bellhop.uploads;

import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.WireErrorCode;

/**
 * The uploads module's own error codes. Shared meanings use the platform's {@code ErrorCode}
 * ({@code FORBIDDEN}, {@code BAD_REQUEST}, {@code INTERNAL}).
 */
public enum UploadError implements WireErrorCode {
  SIZE_EXCEEDED("the declared size is over the limit, or bytes would end past the declared size"),
  UNSUPPORTED_TYPE(
      "the document type is unknown or does not accept the content type, declared or found in the"
          + " bytes; a refused upload is discarded"),
  CHECKSUM_MISMATCH("the stored bytes do not have the declared SHA-256; the upload is discarded"),
  OUT_OF_ORDER("bytes sent for an offset other than the upload's durable offset"),
  UPLOAD_EXPIRED("the upload session expired before it was completed"),
  UPLOAD_NOT_FOUND("no upload session with this id for this user"),
  DOCUMENT_NOT_FOUND(
      "no document with this id that this token may read (another org's or property's is the same)"),
  UPLOAD_TAKEN_OVER("a newer connection resumed this upload; this one can no longer write"),
  UPLOAD_CLOSED("the upload is already complete, failed or deleted"),
  UPLOAD_INCOMPLETE("completion asked for before every declared byte was stored"),
  TOO_MANY_UPLOADS("the user has as many open uploads as allowed; finish or delete one first"),
  STORAGE_UNAVAILABLE("the upload storage could not store or read bytes; retry from the offset");

  private final String description;

  UploadError(String description) {
    this.description = description;
  }

  @Override
  public String description() {
    return description;
  }

  /**
   * The HTTP status with which the uploads endpoints answer a refusal with {@code code}: the
   * module's codes and the shared ones. (tus answers {@code CHECKSUM_MISMATCH} with its own 460.)
   */
  public static int httpStatus(WireErrorCode code) {
    if (code instanceof UploadError upload) {
      return switch (upload) {
        case SIZE_EXCEEDED -> 413;
        case UNSUPPORTED_TYPE -> 415;
        case CHECKSUM_MISMATCH -> 422;
        case OUT_OF_ORDER, UPLOAD_TAKEN_OVER, UPLOAD_INCOMPLETE -> 409;
        case UPLOAD_EXPIRED, UPLOAD_CLOSED -> 410;
        case UPLOAD_NOT_FOUND, DOCUMENT_NOT_FOUND -> 404;
        case STORAGE_UNAVAILABLE -> 503;
        case TOO_MANY_UPLOADS -> 429;
      };
    }
    if (code == ErrorCode.FORBIDDEN) {
      return 403;
    }
    if (code == ErrorCode.UNAUTHORIZED) {
      return 401;
    }
    return code == ErrorCode.INTERNAL ? 500 : 400;
  }
}
