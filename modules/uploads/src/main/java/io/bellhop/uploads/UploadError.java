package io.bellhop.uploads;

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
  STORAGE_UNAVAILABLE("the upload storage could not store or read bytes; retry from the offset");

  private final String description;

  UploadError(String description) {
    this.description = description;
  }

  @Override
  public String description() {
    return description;
  }
}
