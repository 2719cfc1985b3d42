package io.bellhop.uploads.stream;

import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.Principal;
import io.bellhop.platform.TokenVerifier;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import io.bellhop.uploads.UploadProgress;
import io.bellhop.uploads.Uploads;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code GET /v2/documents/upload/{uploadId}/progress} and {@code DELETE
 * /v2/documents/upload/{uploadId}}: the same sessions the socket and tus write, whichever wrote
 * them.
 */
@Controller("/v2/documents/upload")
@Secured(SecurityRule.IS_AUTHENTICATED)
@ExecuteOn(TaskExecutors.BLOCKING)
final class UploadSessionController {
  private final Uploads uploads;

  UploadSessionController(Uploads uploads) {
    this.uploads = uploads;
  }

  @Get("/{uploadId}/progress")
  HttpResponse<?> progress(String uploadId, Authentication authentication) {
    Principal p = TokenVerifier.toPrincipal(authentication);
    try {
      UploadProgress at = uploads.progress(p, uploadId);
      return HttpResponse.ok(
          new Progress(
              at.uploadId(),
              at.offset(),
              at.size(),
              UploadProgress.percentOf(at.offset(), at.size()),
              at.state().name().toLowerCase(Locale.ROOT),
              at.expiresAt()));
    } catch (UploadException e) {
      return refused(e);
    }
  }

  @Delete("/{uploadId}")
  HttpResponse<?> delete(String uploadId, Authentication authentication) {
    try {
      uploads.delete(TokenVerifier.toPrincipal(authentication), uploadId);
      return HttpResponse.noContent();
    } catch (UploadException e) {
      return refused(e);
    }
  }

  /** An upload refusal with its HTTP status and the documented error body. */
  static HttpResponse<ErrorBody> refused(UploadException e) {
    return HttpResponse.<ErrorBody>status(HttpStatus.valueOf(UploadError.httpStatus(e.code())))
        .body(e.toErrorBody());
  }

  /** {@code state}: open, complete, failed, expired (see {@code UploadState}). */
  @Serdeable
  record Progress(
      String uploadId, long offset, long size, double percent, String state, Instant expiresAt) {}
}
