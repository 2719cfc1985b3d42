package io.bellhop.uploads;

import io.bellhop.platform.Principal;

/**
 * Upload sessions: durable (PostgreSQL) and resumable from any node. Each session belongs to the
 * user ({@code sub}) and org of the principal that opened it; to anyone else it does not exist
 * ({@link UploadError#UPLOAD_NOT_FOUND}, never a refusal that would confirm it exists).
 *
 * <p>Every method does blocking I/O (PostgreSQL, storage): never call it on an event loop.
 */
public interface Uploads {

  /**
   * Opens a new session for {@code declared} and returns its writer, at offset 0.
   *
   * @throws UploadException {@code FORBIDDEN} (a service credential, or a property the token does
   *     not allow), {@code BAD_REQUEST} (an id outside the id grammar, a bad filename or sha256),
   *     {@link UploadError#UNSUPPORTED_TYPE} (document type, or a declared mimetype it does not
   *     allow), {@link UploadError#SIZE_EXCEEDED} (declared size over the limit)
   */
  UploadWriter open(Principal principal, DeclaredUpload declared) throws UploadException;

  /**
   * Takes over the open session {@code uploadId} and returns the new writer, at the durable offset.
   * The session's previous writer, on this node or another, can never commit again: on this node it
   * is told at once ({@link UploadWriter#whenTakenOver}), elsewhere at its next write. A
   * reconnecting client is never refused because an older connection still holds the upload.
   *
   * @throws UploadException {@link UploadError#UPLOAD_NOT_FOUND}, {@link
   *     UploadError#UPLOAD_EXPIRED}, {@link UploadError#UPLOAD_CLOSED}
   */
  UploadWriter resume(Principal principal, String uploadId) throws UploadException;

  /**
   * Where the session stands.
   *
   * @throws UploadException {@link UploadError#UPLOAD_NOT_FOUND}
   */
  UploadProgress progress(Principal principal, String uploadId) throws UploadException;

  /**
   * The file a complete upload made: for a client that reconnects after its upload completed and
   * never saw the answer (the connection broke while the file was validated).
   *
   * @throws UploadException {@link UploadError#UPLOAD_NOT_FOUND}, {@link UploadError#UPLOAD_CLOSED}
   *     (not complete: failed, expired or still open)
   */
  CompletedUpload completed(Principal principal, String uploadId) throws UploadException;

  /**
   * Deletes the session and its bytes, complete or not; its writer can never commit again.
   *
   * @throws UploadException {@link UploadError#UPLOAD_NOT_FOUND}
   */
  void delete(Principal principal, String uploadId) throws UploadException;
}
