package io.bellhop.uploads.tus;

import io.bellhop.platform.ErrorBody;
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
    return code == UploadError.CHECKSUM_MISMATCH
        ? TusHeaders.CHECKSUM_MISMATCH_STATUS
        : UploadError.httpStatus(code);
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
