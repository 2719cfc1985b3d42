package io.bellhop.uploads.tus;

import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.WireErrorCode;
import io.bellhop.uploads.UploadError;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/** The HTTP status of each error code at the tus endpoint, and the error response itself. */
final class TusErrors {
  private TusErrors() {}

  static int status(WireErrorCode code) {
    if (code instanceof UploadError upload) {
      return switch (upload) {
        case SIZE_EXCEEDED -> 413;
        case UNSUPPORTED_TYPE -> 415;
        case CHECKSUM_MISMATCH -> TusHeaders.CHECKSUM_MISMATCH_STATUS;
        case OUT_OF_ORDER, UPLOAD_TAKEN_OVER, UPLOAD_INCOMPLETE -> 409;
        case UPLOAD_EXPIRED, UPLOAD_CLOSED -> 410;
        case UPLOAD_NOT_FOUND -> 404;
        case STORAGE_UNAVAILABLE -> 503;
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

  static String reason(int status) {
    if (status == TusHeaders.CHECKSUM_MISMATCH_STATUS) {
      return "Checksum Mismatch";
    }
    try {
      return HttpStatus.valueOf(status).getReason();
    } catch (IllegalArgumentException e) {
      return "Error";
    }
  }

  /** The platform's error body with {@code status}; every tus response says Tus-Resumable. */
  static MutableHttpResponse<ErrorBody> response(int status, WireErrorCode code, String message) {
    return HttpResponse.<ErrorBody>status(status, reason(status))
        .header(TusHeaders.TUS_RESUMABLE, TusHeaders.VERSION)
        .contentType(MediaType.APPLICATION_JSON_TYPE)
        .body(ErrorBody.of(code, message));
  }
}
