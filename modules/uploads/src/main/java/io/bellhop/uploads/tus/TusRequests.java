package io.bellhop.uploads.tus;

import static io.bellhop.uploads.tus.TusHeaders.OFFSET_OCTET_STREAM;
import static io.bellhop.uploads.tus.TusHeaders.TUS_RESUMABLE;
import static io.bellhop.uploads.tus.TusHeaders.VERSION;

import io.bellhop.platform.ErrorCode;
import io.bellhop.uploads.UploadException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import java.util.Base64;

/** The header checks every tus request goes through before it reaches the session core. */
final class TusRequests {
  private TusRequests() {}

  /** Null, or 412 unless the request speaks tus 1.0.0 (every request but OPTIONS must say so). */
  @Nullable
  static HttpResponse<?> checkResumable(HttpRequest<?> request) {
    if (VERSION.equals(request.getHeaders().get(TUS_RESUMABLE))) {
      return null;
    }
    return TusErrors.response(
            HttpStatus.PRECONDITION_FAILED.getCode(),
            ErrorCode.BAD_REQUEST,
            "this endpoint speaks tus " + VERSION + ": send Tus-Resumable: " + VERSION)
        .header(TusHeaders.TUS_VERSION, VERSION);
  }

  /** Null, or the refusal of a request carrying bytes: its content type, a well-formed checksum. */
  @Nullable
  static HttpResponse<?> checkBytes(HttpRequest<?> request) {
    String type = request.getHeaders().get(HttpHeaders.CONTENT_TYPE);
    if (type == null || !OFFSET_OCTET_STREAM.equalsIgnoreCase(type.split(";", 2)[0].trim())) {
      return TusErrors.response(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode(),
          ErrorCode.BAD_REQUEST,
          "bytes must be sent as Content-Type: " + OFFSET_OCTET_STREAM);
    }
    try {
      checksum(request.getHeaders().get(TusHeaders.UPLOAD_CHECKSUM));
    } catch (UploadException e) {
      return TusErrors.response(TusErrors.status(e.code()), e.code(), e.getMessage());
    }
    return null;
  }

  /** The SHA-256 of an {@code Upload-Checksum: sha256 <base64>} header, or null without one. */
  @Nullable
  static byte[] checksum(String header) throws UploadException {
    if (header == null) {
      return null;
    }
    String[] parts = header.trim().split(" ", -1);
    if (parts.length != 2 || !TusHeaders.CHECKSUM_ALGORITHM.equals(parts[0])) {
      throw new UploadException(
          ErrorCode.BAD_REQUEST,
          "Upload-Checksum must be 'sha256 <base64 digest>'; sha256 is the only algorithm");
    }
    try {
      byte[] digest = Base64.getDecoder().decode(parts[1]);
      if (digest.length == 32) {
        return digest;
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new UploadException(
        ErrorCode.BAD_REQUEST, "Upload-Checksum's digest must be 32 bytes in base64");
  }
}
