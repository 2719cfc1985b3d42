package io.bellhop.uploads;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The one writer of an upload session, until a newer one takes the session over. Not for use by
 * several threads at once (a connection's frames arrive in order); {@link #whenTakenOver} may be
 * called from any thread.
 */
public interface UploadWriter extends AutoCloseable {

  String uploadId();

  /** The durable offset: every byte before it is stored and counted in the session. */
  long offset();

  /** The declared size: the upload is complete when {@link #offset()} reaches it. */
  long size();

  /** When the session stops being resumable unless completed. */
  Instant expiresAt();

  /**
   * Stores {@code bytes} at {@code offset} and returns the new durable offset. When this returns,
   * the bytes are durable in storage and the session's offset has moved past them; when it throws,
   * the session's offset has not moved. The buffer is consumed.
   *
   * @throws UploadException {@link UploadError#OUT_OF_ORDER} ({@code offset} is not {@link
   *     #offset()}; nothing written), {@link UploadError#SIZE_EXCEEDED} (the bytes would end past
   *     the declared size; nothing written), {@link UploadError#UNSUPPORTED_TYPE} (the file's first
   *     bytes, which these complete, are not of a type its document type accepts: nothing of these
   *     is written, the upload is failed and its bytes deleted), {@link
   *     UploadError#UPLOAD_TAKEN_OVER}, {@link UploadError#UPLOAD_EXPIRED}, {@link
   *     UploadError#UPLOAD_CLOSED}, {@link UploadError#STORAGE_UNAVAILABLE} (retry from {@link
   *     #offset()})
   */
  long write(long offset, ByteBuffer bytes) throws UploadException;

  /**
   * Completes the upload once every declared byte is durable: checks the declared SHA-256 and the
   * content (a spreadsheet is looked into), then exposes the file. A mismatch or a refused content
   * fails the session and deletes its bytes.
   *
   * @throws UploadException {@link UploadError#UPLOAD_INCOMPLETE}, {@link
   *     UploadError#CHECKSUM_MISMATCH}, {@link UploadError#UNSUPPORTED_TYPE}, {@link
   *     UploadError#UPLOAD_TAKEN_OVER}, {@link UploadError#UPLOAD_EXPIRED}, {@link
   *     UploadError#STORAGE_UNAVAILABLE}
   */
  CompletedUpload complete() throws UploadException;

  /**
   * Whether a newer writer took the session over. A writer whose session was deleted or expired
   * meanwhile answers {@link UploadError#UPLOAD_CLOSED} or {@link UploadError#UPLOAD_EXPIRED}.
   */
  boolean takenOver();

  /**
   * Runs {@code action} once when this writer learns that a newer writer took the session over:
   * right away when that happens on this node, else when a write or completion finds itself fenced.
   * Runs at once if that already happened. One action per writer.
   */
  void whenTakenOver(Runnable action);

  /**
   * Forgets this writer on this node (its connection ended). The session stays open, resumable
   * until it expires.
   */
  @Override
  void close();
}
