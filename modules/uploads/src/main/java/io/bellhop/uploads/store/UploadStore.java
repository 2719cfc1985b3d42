package io.bellhop.uploads.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;

/**
 * The bytes of uploads, keyed by upload id (id grammar; it is the only name that ever reaches a
 * path or subject). An upload is a growing sequence of bytes that is later completed, which exposes
 * it as a file, atomically and once.
 *
 * <p>The store knows nothing of sessions: it may hold more bytes than the session has committed
 * (appended by a writer that crashed or was fenced before committing). The session layer cuts them
 * off with {@link #truncate} before continuing. Every method blocks; implementations are safe for
 * concurrent use, and another instance over the same backing (another node, or this node after a
 * crash) sees the same bytes.
 */
public interface UploadStore {

  /** Bytes stored for the upload, partial or complete; 0 when there are none. */
  long length(String uploadId) throws IOException;

  /**
   * Appends {@code bytes} at {@code offset}, which must equal the stored length, checked atomically
   * with the append: of two writers appending at the same offset, at most one succeeds. Returns the
   * new length once every byte is durable (survives a crash of this process). If it throws, any
   * prefix of the bytes may have been stored. The buffer is consumed.
   *
   * @throws WrongOffsetException {@code offset} is not the stored length; nothing was stored
   * @throws IOException also when the upload is already complete
   */
  long append(String uploadId, long offset, ByteBuffer bytes) throws IOException;

  /**
   * Drops the bytes from {@code length} on, durably. {@code length} must be a length the upload had
   * after an earlier {@link #append} returned (a commit point).
   *
   * @throws IOException when fewer than {@code length} bytes are stored, or the upload is complete
   */
  void truncate(String uploadId, long length) throws IOException;

  /**
   * Streams the first {@code length} bytes of the upload, partial or complete, without holding them
   * in memory.
   *
   * @throws IOException when fewer than {@code length} bytes are stored
   */
  InputStream read(String uploadId, long length) throws IOException;

  /**
   * Exposes the upload as a complete file of exactly {@code length} bytes, atomically: a reader
   * sees either no file or all of it. Idempotent: completing a complete upload of that length again
   * does nothing.
   *
   * @throws WrongOffsetException the stored length is not {@code length}
   */
  void complete(String uploadId, long length) throws IOException;

  /**
   * Streams the complete file.
   *
   * @throws NoSuchFileException the upload is missing or not complete
   */
  InputStream openComplete(String uploadId) throws IOException;

  /** Removes every byte of the upload, partial or complete; nothing to remove is fine. */
  void delete(String uploadId) throws IOException;
}
