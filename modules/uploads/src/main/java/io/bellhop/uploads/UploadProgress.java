package io.bellhop.uploads;

import java.time.Instant;

/**
 * Where an upload session stands.
 *
 * @param offset the durable offset
 * @param size the declared size
 * @param state {@link UploadState#EXPIRED} as soon as {@code expiresAt} has passed, even before the
 *     sweeper removed it
 * @param expiresAt when an open session stops being resumable
 * @param declared what the client declared when it opened the session (the tus front end echoes it
 *     as {@code Upload-Metadata})
 */
public record UploadProgress(
    String uploadId,
    long offset,
    long size,
    UploadState state,
    Instant expiresAt,
    DeclaredUpload declared) {

  /** How far {@code offset} is into {@code size}, in percent rounded down to a tenth, as shown. */
  public static double percentOf(long offset, long size) {
    return size == 0 ? 100 : Math.floor(offset * 1000.0 / size) / 10;
  }

  /** Whole percent of the declared size, rounded down. */
  public int percent() {
    return size == 0 ? 100 : (int) (offset * 100 / size);
  }
}
