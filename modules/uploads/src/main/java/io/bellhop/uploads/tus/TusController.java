package io.bellhop.uploads.tus;

import static io.bellhop.uploads.tus.TusHeaders.TUS_RESUMABLE;
import static io.bellhop.uploads.tus.TusHeaders.UPLOAD_CHECKSUM;
import static io.bellhop.uploads.tus.TusHeaders.UPLOAD_DEFER_LENGTH;
import static io.bellhop.uploads.tus.TusHeaders.UPLOAD_EXPIRES;
import static io.bellhop.uploads.tus.TusHeaders.UPLOAD_LENGTH;
import static io.bellhop.uploads.tus.TusHeaders.UPLOAD_METADATA;
import static io.bellhop.uploads.tus.TusHeaders.UPLOAD_OFFSET;
import static io.bellhop.uploads.tus.TusHeaders.VERSION;

import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.platform.TokenVerifier;
import io.bellhop.uploads.DeclaredUpload;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import io.bellhop.uploads.UploadProgress;
import io.bellhop.uploads.UploadState;
import io.bellhop.uploads.UploadWriter;
import io.bellhop.uploads.Uploads;
import io.bellhop.uploads.session.UploadsConfig;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Head;
import io.micronaut.http.annotation.Options;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import jakarta.inject.Named;
import java.util.concurrent.ExecutorService;

/**
 * tus 1.0.0 at {@code /v2/documents/tus/}: OPTIONS (discovery), POST (creation, with upload), HEAD
 * (offset), PATCH (bytes), DELETE (termination). Authentication is the bearer token of every other
 * HTTP endpoint; an upload belongs to its creator and is 404 to anyone else.
 *
 * <p>Every PATCH takes the upload over ({@link Uploads#resume}): a client that restarted while its
 * previous PATCH still runs is never told "locked", and the fence in PostgreSQL keeps that right
 * when PATCHes land on different nodes. A resume on the node that served the previous PATCH copies
 * its SHA-256 state instead of re-reading the bytes, so a PATCH per chunk costs one transaction.
 */
@Controller(TusController.PATH)
@Secured(SecurityRule.IS_AUTHENTICATED)
final class TusController {
  static final String PATH = "/v2/documents/tus";

  private final Uploads uploads;
  private final UploadsConfig config;
  private final PatchStreamer patches;

  TusController(
      Uploads uploads,
      UploadsConfig config,
      @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
    this.uploads = uploads;
    this.config = config;
    this.patches = new PatchStreamer(config.getCommitBytes(), blocking);
  }

  @Options(uris = {"/", "/{uploadId}"})
  @Secured(SecurityRule.IS_ANONYMOUS)
  HttpResponse<?> discover(@Nullable @PathVariable String uploadId) {
    return HttpResponse.noContent()
        .header(TUS_RESUMABLE, VERSION)
        .header(TusHeaders.TUS_VERSION, VERSION)
        .header(TusHeaders.TUS_EXTENSION, TusHeaders.EXTENSIONS)
        .header(TusHeaders.TUS_MAX_SIZE, Long.toString(config.getMaxSize()))
        .header(TusHeaders.TUS_CHECKSUM_ALGORITHM, TusHeaders.CHECKSUM_ALGORITHM);
  }

  @Post(uri = "/", consumes = MediaType.ALL)
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<?> create(HttpRequest<?> request, Authentication authentication) {
    HttpResponse<?> refused = TusRequests.checkResumable(request);
    if (refused != null) {
      return refused;
    }
    if (request.getHeaders().contains(UPLOAD_DEFER_LENGTH)) {
      return error(
          ErrorCode.BAD_REQUEST, "Upload-Defer-Length is not supported; send Upload-Length");
    }
    DeclaredUpload declared;
    try {
      long length = TusHeaders.nonNegative(request.getHeaders().get(UPLOAD_LENGTH));
      if (length < 0) {
        return error(ErrorCode.BAD_REQUEST, "Upload-Length is required");
      }
      if (length > config.getMaxSize()) {
        return error(
            UploadError.SIZE_EXCEEDED,
            "Upload-Length is over Tus-Max-Size (" + config.getMaxSize() + " bytes)");
      }
      declared = TusMetadata.declared(request.getHeaders().get(UPLOAD_METADATA), length);
    } catch (NumberFormatException e) {
      return error(ErrorCode.BAD_REQUEST, "Upload-Length must be a non-negative integer");
    } catch (TusMetadata.BadMetadata e) {
      return error(ErrorCode.BAD_REQUEST, e.getMessage());
    }
    Principal principal = TokenVerifier.toPrincipal(authentication);
    UploadWriter writer;
    try {
      writer = uploads.open(principal, declared);
    } catch (UploadException e) {
      return error(e);
    }
    String location = PATH + "/" + writer.uploadId();
    boolean withUpload = hasBody(request);
    if (withUpload) {
      HttpResponse<?> bad = TusRequests.checkBytes(request);
      if (bad != null) {
        return withHeader(bad, HttpHeaders.LOCATION, location);
      }
      try {
        writeBody(request, writer);
      } catch (UploadException e) {
        return withHeader(error(e), HttpHeaders.LOCATION, location);
      }
    }
    MutableHttpResponse<?> response =
        HttpResponse.status(HttpStatus.CREATED)
            .header(HttpHeaders.LOCATION, location)
            .header(TUS_RESUMABLE, VERSION)
            .header(UPLOAD_EXPIRES, TusHeaders.httpDate(writer.expiresAt()));
    if (withUpload) {
      response.header(UPLOAD_OFFSET, Long.toString(writer.offset()));
    }
    return response;
  }

  @Head("/{uploadId}")
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<?> offset(
      @PathVariable String uploadId, HttpRequest<?> request, Authentication authentication) {
    HttpResponse<?> refused = TusRequests.checkResumable(request);
    if (refused != null) {
      return refused;
    }
    Principal principal = TokenVerifier.toPrincipal(authentication);
    try {
      UploadProgress progress = uploads.progress(principal, uploadId);
      if (progress.state() == UploadState.OPEN && progress.offset() == progress.size()) {
        progress = finishLeftOpen(principal, uploadId);
      }
      return switch (progress.state()) {
        case OPEN, COMPLETE -> {
          MutableHttpResponse<?> ok =
              HttpResponse.ok()
                  .header(TUS_RESUMABLE, VERSION)
                  .header(UPLOAD_OFFSET, Long.toString(progress.offset()))
                  .header(UPLOAD_LENGTH, Long.toString(progress.size()))
                  .header(UPLOAD_METADATA, TusMetadata.encode(progress.declared()))
                  .header(HttpHeaders.CACHE_CONTROL, "no-store");
          if (progress.state() == UploadState.OPEN) {
            ok.header(UPLOAD_EXPIRES, TusHeaders.httpDate(progress.expiresAt()));
          }
          yield ok;
        }
        case EXPIRED -> bodiless(TusErrors.status(UploadError.UPLOAD_EXPIRED));
        default -> bodiless(TusErrors.status(UploadError.UPLOAD_CLOSED));
      };
    } catch (UploadException e) {
      return bodiless(TusErrors.status(e.code()));
    }
  }

  @Patch(uri = "/{uploadId}", consumes = MediaType.ALL)
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<?> append(
      @PathVariable String uploadId, HttpRequest<?> request, Authentication authentication) {
    HttpResponse<?> refused = TusRequests.checkResumable(request);
    if (refused != null) {
      return refused;
    }
    long offset;
    try {
      offset = TusHeaders.nonNegative(request.getHeaders().get(UPLOAD_OFFSET));
    } catch (NumberFormatException e) {
      offset = -1;
    }
    if (offset < 0) {
      return error(ErrorCode.BAD_REQUEST, "Upload-Offset is required: a non-negative integer");
    }
    HttpResponse<?> bad = TusRequests.checkBytes(request);
    if (bad != null) {
      return bad;
    }
    Principal principal = TokenVerifier.toPrincipal(authentication);
    try {
      // Refuse a stale offset before taking the upload over from a PATCH that may be running.
      UploadProgress before = uploads.progress(principal, uploadId);
      if (offset != before.offset()) {
        return offsetMismatch(offset, before.offset());
      }
      UploadWriter writer = uploads.resume(principal, uploadId);
      if (offset != writer.offset()) {
        return offsetMismatch(offset, writer.offset());
      }
      long after;
      try {
        after = writeBody(request, writer);
      } catch (UploadException e) {
        if (e.code() == UploadError.SIZE_EXCEEDED) {
          // A body past the upload's length: not the file declared; nothing of it is kept.
          uploads.delete(principal, uploadId);
        }
        throw e;
      }
      return HttpResponse.noContent()
          .header(TUS_RESUMABLE, VERSION)
          .header(UPLOAD_OFFSET, Long.toString(after))
          .header(UPLOAD_EXPIRES, TusHeaders.httpDate(writer.expiresAt()));
    } catch (UploadException e) {
      return error(e);
    }
  }

  @Delete("/{uploadId}")
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<?> terminate(
      @PathVariable String uploadId, HttpRequest<?> request, Authentication authentication) {
    HttpResponse<?> refused = TusRequests.checkResumable(request);
    if (refused != null) {
      return refused;
    }
    try {
      uploads.delete(TokenVerifier.toPrincipal(authentication), uploadId);
      return HttpResponse.noContent().header(TUS_RESUMABLE, VERSION);
    } catch (UploadException e) {
      return error(e);
    }
  }

  /**
   * Streams the request body into {@code writer} (verified first when it has an Upload-Checksum)
   * and completes the upload once every byte is stored; returns the durable offset. The writer
   * stays registered on this node afterwards, so the next PATCH's takeover copies its SHA-256
   * state.
   */
  private long writeBody(HttpRequest<?> request, UploadWriter writer) throws UploadException {
    byte[] expected = TusRequests.checksum(request.getHeaders().get(UPLOAD_CHECKSUM));
    if (request.getContentLength() > writer.size() - writer.offset()) {
      throw new UploadException(
          UploadError.SIZE_EXCEEDED,
          "Content-Length goes past the upload's length (" + writer.size() + " bytes)");
    }
    try (var body = new BodyStream(config.getCommitBytes())) {
      ((ServerHttpRequest<?>) request).byteBody().toByteArrayPublisher().subscribe(body);
      long offset =
          expected == null
              ? patches.stream(writer, body)
              : patches.streamVerified(writer, body, expected);
      if (offset == writer.size()) {
        writer.complete();
      }
      return offset;
    }
  }

  private UploadProgress finishLeftOpen(Principal principal, String uploadId)
      throws UploadException {
    // Every byte was committed but the node stopped before completing: finish it now, so a
    // client that sees Upload-Offset == Upload-Length is right to call the upload done.
    try {
      uploads.resume(principal, uploadId).complete();
    } catch (UploadException e) {
      if (e.code() != UploadError.CHECKSUM_MISMATCH) {
        throw e;
      }
    }
    return uploads.progress(principal, uploadId);
  }

  private static boolean hasBody(HttpRequest<?> request) {
    return request.getContentLength() > 0
        || request.getHeaders().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  private static HttpResponse<?> offsetMismatch(long sent, long durable) {
    return TusErrors.response(
            HttpStatus.CONFLICT.getCode(),
            UploadError.OUT_OF_ORDER,
            "Upload-Offset " + sent + " is not the upload's offset " + durable)
        .header(UPLOAD_OFFSET, Long.toString(durable));
  }

  private static MutableHttpResponse<?> error(UploadException e) {
    return TusErrors.response(TusErrors.status(e.code()), e.code(), e.getMessage());
  }

  private static MutableHttpResponse<?> error(
      io.bellhop.platform.WireErrorCode code, String message) {
    return TusErrors.response(TusErrors.status(code), code, message);
  }

  /** HEAD answers carry no body. */
  private static HttpResponse<?> bodiless(int status) {
    return HttpResponse.status(status, TusErrors.reason(status))
        .header(TUS_RESUMABLE, VERSION)
        .header(HttpHeaders.CACHE_CONTROL, "no-store");
  }

  private static HttpResponse<?> withHeader(HttpResponse<?> response, String name, String value) {
    return ((MutableHttpResponse<?>) response).header(name, value);
  }
}
