package io.bellhop.uploads.documents;

import io.bellhop.platform.ErrorBody;
import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Ids;
import io.bellhop.platform.Principal;
import io.bellhop.platform.TokenVerifier;
import io.bellhop.uploads.UploadError;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;

/**
 * {@code GET /v2/documents/{fileId}}: a document's metadata and its OCR status and fields.
 *
 * <p>Who may read it (decision 132): a user of the document's org whose token allows its property
 * (an org admin sees every property), whoever uploaded it. Anyone else, and an id that names no
 * document, gets the same 404 {@code DOCUMENT_NOT_FOUND}, so the answer never confirms that another
 * org's or property's document exists. Service credentials get 403.
 */
@Controller("/v2/documents")
final class DocumentsController {
  private final DocumentJobs documents;

  DocumentsController(DocumentJobs documents) {
    this.documents = documents;
  }

  /** Where a document is read: the {@code url} of upload completions and OCR events. */
  static String url(String fileId) {
    return "/v2/documents/" + fileId;
  }

  @Get(value = "/{fileId}", produces = MediaType.APPLICATION_JSON)
  @Secured(SecurityRule.IS_AUTHENTICATED)
  @ExecuteOn(TaskExecutors.BLOCKING)
  HttpResponse<?> document(String fileId, Authentication authentication) {
    Principal principal = TokenVerifier.toPrincipal(authentication);
    if (!principal.maySubscribe()) {
      return HttpResponse.status(HttpStatus.FORBIDDEN)
          .body(ErrorBody.of(ErrorCode.FORBIDDEN, "service credentials cannot read documents"));
    }
    DocumentRow row = Ids.isValid(fileId) ? documents.find(fileId).orElse(null) : null;
    if (row == null
        || !row.orgId().equals(principal.orgId())
        || !principal.maySeeProperty(row.propertyId())) {
      return HttpResponse.status(HttpStatus.NOT_FOUND)
          .body(ErrorBody.of(UploadError.DOCUMENT_NOT_FOUND, "no such document"));
    }
    return HttpResponse.ok(DocumentJson.document(row)).contentType(MediaType.APPLICATION_JSON_TYPE);
  }
}
