package io.bellhop.uploads.session;

import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Ids;
import io.bellhop.platform.Principal;
import io.bellhop.uploads.DeclaredUpload;
import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import java.util.regex.Pattern;

/** What a principal may open, and what a declaration must look like. */
final class OpenRules {
  static final int MAX_FILENAME_LENGTH = 255;
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

  private final UploadsConfig config;

  OpenRules(UploadsConfig config) {
    this.config = config;
  }

  void check(Principal principal, DeclaredUpload d) throws UploadException {
    if (!principal.maySubscribe()) {
      throw new UploadException(ErrorCode.FORBIDDEN, "a service credential cannot upload");
    }
    if (!Ids.isValid(d.guestId()) || !Ids.isValid(d.propertyId())) {
      throw new UploadException(
          ErrorCode.BAD_REQUEST, "guestId and propertyId must match " + Ids.GRAMMAR);
    }
    if (!principal.maySeeProperty(d.propertyId())) {
      throw new UploadException(ErrorCode.FORBIDDEN, "the token does not allow this property");
    }
    if (!validFilename(d.filename())) {
      throw new UploadException(
          ErrorCode.BAD_REQUEST,
          "filename must be 1 to "
              + MAX_FILENAME_LENGTH
              + " characters without control characters");
    }
    if (d.sha256() != null && !SHA256_HEX.matcher(d.sha256()).matches()) {
      throw new UploadException(ErrorCode.BAD_REQUEST, "sha256 must be 64 hex digits");
    }
    DocumentType type =
        DocumentType.fromWire(d.documentType())
            .orElseThrow(
                () -> new UploadException(UploadError.UNSUPPORTED_TYPE, "unknown documentType"));
    if (!type.accepts(d.mimetype())) {
      throw new UploadException(
          UploadError.UNSUPPORTED_TYPE,
          type.wireName()
              + " accepts "
              + String.join(", ", type.mimetypes().stream().sorted().toList()));
    }
    if (d.size() < 1 || d.size() > config.getMaxSize()) {
      throw new UploadException(
          UploadError.SIZE_EXCEEDED, "filesize must be 1 to " + config.getMaxSize() + " bytes");
    }
  }

  private static boolean validFilename(String name) {
    return name != null
        && !name.isBlank()
        && name.length() <= MAX_FILENAME_LENGTH
        && name.chars().noneMatch(Character::isISOControl);
  }
}
