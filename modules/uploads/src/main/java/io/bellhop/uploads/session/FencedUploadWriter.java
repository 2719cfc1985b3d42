package io.bellhop.uploads.session;

import io.bellhop.uploads.CompletedUpload;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import io.bellhop.uploads.UploadWriter;
import io.bellhop.uploads.inspect.HeadSniffer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A writer holding one generation of a session. Its offset and running SHA-256 always describe the
 * same bytes: the committed prefix. Every commit is conditional on its generation ({@link
 * UploadSessions}), so once a newer writer took over, nothing this one does moves the session.
 */
final class FencedUploadWriter implements UploadWriter {
  /** "No action registered": a sentinel, compared by identity in the compare-and-sets below. */
  @SuppressWarnings("UnnecessaryLambda")
  private static final Runnable NOTHING = () -> {};

  private final UploadSessions sessions;
  private final UploadSessionRow session;
  private final long generation;
  private final MessageDigest digest;
  private final HeadSniffer sniffer;
  private long committed;
  private String sha256;

  /** Why this writer may no longer write, once it may not; null while it may. */
  private final AtomicReference<UploadError> lost = new AtomicReference<>();

  private boolean finished;
  private final AtomicReference<Runnable> onTakenOver = new AtomicReference<>(NOTHING);

  FencedUploadWriter(
      UploadSessions sessions,
      UploadSessionRow session,
      long generation,
      long committed,
      MessageDigest digestOfCommitted,
      HeadSniffer sniffer) {
    this.sessions = sessions;
    this.session = session;
    this.generation = generation;
    this.committed = committed;
    this.digest = digestOfCommitted;
    this.sniffer = sniffer;
  }

  @Override
  public String uploadId() {
    return session.id();
  }

  @Override
  public synchronized long offset() {
    return committed;
  }

  @Override
  public long size() {
    return session.declaredSize();
  }

  long generation() {
    return generation;
  }

  UploadSessionRow session() {
    return session;
  }

  @Override
  public Instant expiresAt() {
    return session.expiresAt();
  }

  /**
   * A copy of the running SHA-256 if this writer's committed prefix ends at {@code offset}, else
   * null. Taken under the writer's lock, so it never sees a write half done; null once the digest
   * was finished by {@link #complete()} (finishing resets it).
   */
  synchronized MessageDigest digestAt(long offset) {
    if (offset != committed || sha256 != null) {
      return null;
    }
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      return null;
    }
  }

  @Override
  public synchronized long write(long offset, ByteBuffer bytes) throws UploadException {
    checkUsable();
    if (offset != committed) {
      throw new UploadException(
          UploadError.OUT_OF_ORDER, "bytes for offset " + offset + ", expected " + committed);
    }
    int n = bytes.remaining();
    if (n > size() - committed) {
      throw new UploadException(
          UploadError.SIZE_EXCEEDED,
          n + " bytes at " + offset + " would end past the declared size " + size());
    }
    if (n == 0) {
      return committed;
    }
    sessions.checkHead(this, sniffer, offset, bytes);
    ByteBuffer forDigest = bytes.duplicate();
    sessions.commitWrite(this, offset, bytes);
    digest.update(forDigest);
    committed += n;
    return committed;
  }

  @Override
  public synchronized CompletedUpload complete() throws UploadException {
    checkUsable();
    if (committed != size()) {
      throw new UploadException(
          UploadError.UPLOAD_INCOMPLETE, committed + " of " + size() + " bytes stored");
    }
    if (sha256 == null) {
      sha256 = HexFormat.of().formatHex(digest.digest());
    }
    try {
      CompletedUpload done = sessions.complete(this, sha256);
      finished = true;
      return done;
    } catch (UploadException e) {
      finished = e.code() == UploadError.CHECKSUM_MISMATCH;
      throw e;
    }
  }

  private void checkUsable() throws UploadException {
    UploadError reason = lost.get();
    if (reason != null) {
      throw UploadSessions.lostBecause(reason);
    }
    if (finished) {
      throw new UploadException(UploadError.UPLOAD_CLOSED, "the upload is complete or failed");
    }
    if (!sessions.now().isBefore(expiresAt())) {
      throw new UploadException(UploadError.UPLOAD_EXPIRED, "the upload session expired");
    }
  }

  @Override
  public boolean takenOver() {
    return lost.get() == UploadError.UPLOAD_TAKEN_OVER;
  }

  @Override
  public void whenTakenOver(Runnable action) {
    if (!onTakenOver.compareAndSet(NOTHING, action)) {
      throw new IllegalStateException("one action per writer");
    }
    if (takenOver() && onTakenOver.compareAndSet(action, NOTHING)) {
      action.run();
    }
  }

  /**
   * This writer lost the session, for {@code reason} ({@code UPLOAD_TAKEN_OVER}, {@code
   * UPLOAD_EXPIRED} or {@code UPLOAD_CLOSED}): it refuses every later call with that code. Only a
   * takeover runs the {@link #whenTakenOver} action; the first reason stays.
   */
  void fence(UploadError reason) {
    if (lost.compareAndSet(null, reason) && reason == UploadError.UPLOAD_TAKEN_OVER) {
      onTakenOver.getAndSet(NOTHING).run();
    }
  }

  @Override
  public void close() {
    sessions.forget(this);
  }
}
