package io.bellhop.uploads.session;

import io.bellhop.platform.ErrorCode;
import io.bellhop.platform.Principal;
import io.bellhop.uploads.CompletedUpload;
import io.bellhop.uploads.DeclaredUpload;
import io.bellhop.uploads.DocumentType;
import io.bellhop.uploads.UploadError;
import io.bellhop.uploads.UploadException;
import io.bellhop.uploads.UploadProgress;
import io.bellhop.uploads.UploadState;
import io.bellhop.uploads.UploadWriter;
import io.bellhop.uploads.Uploads;
import io.bellhop.uploads.documents.DocumentJobs;
import io.bellhop.uploads.documents.NewDocument;
import io.bellhop.uploads.inspect.ContentInspector;
import io.bellhop.uploads.inspect.HeadSniffer;
import io.bellhop.uploads.inspect.Inspection;
import io.bellhop.uploads.store.UploadStore;
import io.bellhop.uploads.store.WrongOffsetException;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upload sessions: rows in {@code uploads.upload_sessions}, bytes in the {@link UploadStore}.
 *
 * <p><b>The invariant.</b> A session's {@code committed} offset only moves after the bytes before
 * it are durable in the store, and only by the writer whose generation is the session's current
 * {@code writer_generation}: the UPDATE that moves it names both the generation and the offset it
 * moves from. So {@code committed} never counts a byte the store could lose, and a resume, on any
 * node, starts there. The store may hold more (a writer crashed or was fenced between its append
 * and its commit): whoever continues first truncates the store back to {@code committed}, holding
 * the row lock with a current generation, so the cut can never remove a committed byte.
 *
 * <p><b>Takeover.</b> A resume increments the generation in the same transaction that reads the
 * offset. The older writer's next commit matches no row; it is fenced and told so, and it never
 * answers "locked" to a reconnecting client. Its at most one append in flight lands after the
 * committed offset, where the next writer's truncation removes it (the store's append is
 * compare-and-set on the stored length, so it can never overwrite).
 *
 * <p><b>The SHA-256</b> is computed while streaming, in the writer's memory. A writer that resumes
 * re-reads the committed bytes from the store once to rebuild it (decision 92): the digest always
 * describes the stored bytes, whatever crashed where. When this node still holds the previous
 * writer at the committed offset, its digest is cloned instead (decision 137): a client that sends
 * one request per chunk (tus) would otherwise re-read the whole prefix at every chunk.
 */
@Singleton
final class UploadSessions implements Uploads {
  private static final Logger LOG = LoggerFactory.getLogger(UploadSessions.class);
  private static final int APPEND_ATTEMPTS = 3;

  private final UploadSessionRepository rows;
  private final UploadStore store;
  private final UploadsConfig config;
  private final TransactionOperations<Connection> transactions;
  private final Clock clock;
  private final OpenRules rules;
  private final DocumentJobs documents;
  private final ContentInspector inspector;
  private final Map<String, FencedUploadWriter> writersHere = new ConcurrentHashMap<>();

  @Inject
  UploadSessions(
      UploadSessionRepository rows,
      UploadStore store,
      UploadsConfig config,
      TransactionOperations<Connection> transactions,
      DocumentJobs documents,
      ContentInspector inspector) {
    this(rows, store, config, transactions, documents, inspector, Clock.systemUTC());
  }

  UploadSessions(
      UploadSessionRepository rows,
      UploadStore store,
      UploadsConfig config,
      TransactionOperations<Connection> transactions,
      DocumentJobs documents,
      ContentInspector inspector,
      Clock clock) {
    this.rows = rows;
    this.documents = documents;
    this.store = store;
    this.config = config;
    this.transactions = transactions;
    this.inspector = inspector;
    this.clock = clock;
    this.rules = new OpenRules(config);
  }

  /** Now, at PostgreSQL's precision, so a time compared in Java equals the one stored. */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public UploadWriter open(Principal principal, DeclaredUpload declared) throws UploadException {
    rules.check(principal, declared);
    Instant now = now();
    if (rows.countOpen(principal.orgId(), principal.userId(), now) >= config.getMaxOpenPerUser()) {
      throw new UploadException(
          UploadError.TOO_MANY_UPLOADS,
          config.getMaxOpenPerUser()
              + " uploads are open for this user; finish or delete one first");
    }
    var row =
        new UploadSessionRow(
            UploadIds.next(),
            principal.orgId(),
            principal.userId(),
            declared.guestId(),
            declared.propertyId(),
            declared.documentType(),
            declared.filename(),
            declared.size(),
            declared.mimetype(),
            declared.sha256() == null ? null : declared.sha256().toLowerCase(java.util.Locale.ROOT),
            0,
            1,
            null,
            UploadState.OPEN,
            now.plus(config.getExpiry()),
            now,
            now,
            null);
    rows.save(row);
    var writer = new FencedUploadWriter(this, row, 1, 0, sha256(), sniffer(row));
    writersHere.put(row.id(), writer);
    return writer;
  }

  @Override
  public UploadWriter resume(Principal principal, String uploadId) throws UploadException {
    record TakenOver(UploadSessionRow row, long generation) {}
    TakenOver taken =
        inTransaction(
            () -> {
              UploadSessionRow row = owned(principal, rows.lockById(uploadId).orElse(null));
              checkOpen(row);
              long generation = row.writerGeneration() + 1;
              rows.takeOver(uploadId, generation, now());
              dropUncommitted(row);
              return new TakenOver(row, generation);
            });
    UploadSessionRow row = taken.row();
    FencedUploadWriter previous = writersHere.get(uploadId);
    MessageDigest digest = previous == null ? null : previous.digestAt(row.committed());
    if (digest == null) {
      digest = digestOfCommitted(row);
    }
    var writer =
        new FencedUploadWriter(
            this, row, taken.generation(), row.committed(), digest, sniffer(row));
    // Two resumes of one upload may race here (the slower one still re-reading its digest): the
    // newer generation stays registered whichever comes last, and only an older one is fenced.
    var lost = new FencedUploadWriter[1];
    writersHere.compute(
        uploadId,
        (id, current) -> {
          if (current != null && current.generation() > writer.generation()) {
            lost[0] = writer;
            return current;
          }
          lost[0] = current;
          return writer;
        });
    if (lost[0] != null) {
      lost[0].fence(UploadError.UPLOAD_TAKEN_OVER);
    }
    if (lost[0] == writer) {
      throw lostBecause(UploadError.UPLOAD_TAKEN_OVER);
    }
    return writer;
  }

  @Override
  public UploadProgress progress(Principal principal, String uploadId) throws UploadException {
    UploadSessionRow row = owned(principal, rows.findById(uploadId).orElse(null));
    UploadState state =
        row.state() == UploadState.OPEN && !now().isBefore(row.expiresAt())
            ? UploadState.EXPIRED
            : row.state();
    var declared =
        new DeclaredUpload(
            row.filename(),
            row.declaredSize(),
            row.mimetype(),
            row.documentType(),
            row.guestId(),
            row.propertyId(),
            row.declaredSha256());
    return new UploadProgress(
        row.id(), row.committed(), row.declaredSize(), state, row.expiresAt(), declared);
  }

  @Override
  public CompletedUpload completed(Principal principal, String uploadId) throws UploadException {
    UploadSessionRow row = owned(principal, rows.findById(uploadId).orElse(null));
    if (row.state() != UploadState.COMPLETE) {
      throw new UploadException(
          UploadError.UPLOAD_CLOSED,
          "the upload is " + row.state().name().toLowerCase(java.util.Locale.ROOT));
    }
    return new CompletedUpload(
        row.id(),
        row.sha256(),
        row.declaredSize(),
        row.contentType() != null ? row.contentType() : row.mimetype());
  }

  @Override
  public void delete(Principal principal, String uploadId) throws UploadException {
    inTransaction(
        () -> {
          owned(principal, rows.lockById(uploadId).orElse(null));
          documents.deleted(uploadId);
          return rows.markDeleted(uploadId, now());
        });
    fenceHere(uploadId, UploadError.UPLOAD_CLOSED);
    if (deleteBytes(uploadId)) {
      rows.deleteById(uploadId);
    }
  }

  /** Stores and commits {@code bytes} for {@code writer}; the writer checked offset and size. */
  void commitWrite(FencedUploadWriter writer, long offset, ByteBuffer bytes)
      throws UploadException {
    String id = writer.uploadId();
    int n = bytes.remaining();
    for (int attempt = 1; ; attempt++) {
      try {
        store.append(id, offset, bytes.duplicate());
        break;
      } catch (WrongOffsetException e) {
        if (attempt == APPEND_ATTEMPTS) {
          throw unavailable(e);
        }
        // Bytes past the committed offset from a writer that crashed or lost before committing.
        inTransaction(
            () -> {
              UploadSessionRow row = rows.lockById(id).orElse(null);
              if (row == null || row.writerGeneration() != writer.generation()) {
                throw fenced(writer, row);
              }
              dropUncommitted(row);
              return null;
            });
      } catch (IOException e) {
        throw unavailable(e);
      }
    }
    if (rows.advance(id, writer.generation(), offset, offset + n, now()) != 1) {
      throw fenced(writer, rows.findById(id).orElse(null));
    }
  }

  CompletedUpload complete(FencedUploadWriter writer, String sha256) throws UploadException {
    UploadSessionRow session = writer.session();
    String id = session.id();
    if (session.declaredSha256() != null && !session.declaredSha256().equals(sha256)) {
      throw discard(
          writer,
          new UploadException(
              UploadError.CHECKSUM_MISMATCH,
              "the stored bytes do not have the declared SHA-256; the upload was discarded"));
    }
    Inspection content = inspectStored(writer);
    try {
      store.complete(id, session.declaredSize());
    } catch (IOException e) {
      throw unavailable(e);
    }
    // The document and its OCR job commit with the completion, or neither does (decision 126).
    inTransaction(
        () -> {
          if (rows.markComplete(id, writer.generation(), session.declaredSize(), sha256, now())
              != 1) {
            throw fenced(writer, rows.findById(id).orElse(null));
          }
          documents.created(
              new NewDocument(
                  id,
                  session.orgId(),
                  session.userId(),
                  session.guestId(),
                  session.propertyId(),
                  session.documentType(),
                  session.filename(),
                  content.mimetype(),
                  session.declaredSize(),
                  sha256));
          return null;
        });
    writersHere.remove(id, writer);
    return new CompletedUpload(id, sha256, session.declaredSize(), content.mimetype());
  }

  // ------------------------------------------------ validation (io.bellhop.uploads.inspect)

  /** A sniffer for {@code row}'s writer, holding the committed part of the head after a resume. */
  private HeadSniffer sniffer(UploadSessionRow row) throws UploadException {
    HeadSniffer sniffer = inspector.sniffer(documentType(row), row.declaredSize());
    if (row.committed() > 0 && sniffer.pending(row.committed())) {
      try (InputStream in = store.read(row.id(), row.committed())) {
        sniffer.restore(in, row.committed());
      } catch (IOException e) {
        throw unavailable(e);
      }
    }
    return sniffer;
  }

  /** Before {@code bytes} are stored: a file whose head is of the wrong type is discarded. */
  void checkHead(FencedUploadWriter writer, HeadSniffer sniffer, long offset, ByteBuffer bytes)
      throws UploadException {
    try {
      sniffer.check(offset, bytes);
    } catch (UploadException refused) {
      throw discard(writer, refused);
    }
  }

  /**
   * Inspects the complete stored file and records what it is on the row (still open), or discards
   * the upload.
   */
  private Inspection inspectStored(FencedUploadWriter writer) throws UploadException {
    UploadSessionRow session = writer.session();
    Inspection content;
    String summary;
    try (InputStream in = store.read(session.id(), session.declaredSize())) {
      content = inspector.inspect(documentType(session), session.declaredSize(), in);
      summary = inspector.toJson(content.statement());
    } catch (UploadException refused) {
      throw discard(writer, refused);
    } catch (IOException e) {
      throw unavailable(e);
    }
    if (rows.recordContent(session.id(), writer.generation(), content.mimetype(), summary, now())
        != 1) {
      throw fenced(writer, rows.findById(session.id()).orElse(null));
    }
    return content;
  }

  /**
   * Fails the session and deletes its bytes (nothing is kept from a refused upload), then returns
   * {@code refusal} for the caller to throw; or the fence, when another writer holds the session.
   */
  private UploadException discard(FencedUploadWriter writer, UploadException refusal) {
    String id = writer.uploadId();
    if (rows.markFailed(id, writer.generation(), now()) != 1) {
      return fenced(writer, rows.findById(id).orElse(null));
    }
    writer.fence(UploadError.UPLOAD_CLOSED);
    writersHere.remove(id, writer);
    deleteBytes(id);
    return refusal;
  }

  private static DocumentType documentType(UploadSessionRow row) {
    return DocumentType.fromWire(row.documentType()).orElseThrow();
  }

  void forget(FencedUploadWriter writer) {
    writersHere.remove(writer.uploadId(), writer);
  }

  /**
   * Expires every open session past its expiry, then purges ended sessions older than the
   * retention. Safe on every node at once: each step is a conditional update or an idempotent
   * delete (decision 94). Returns how many sessions expired.
   */
  int sweep(Instant now, int batch) {
    int expired = 0;
    for (var due = rows.findOpenExpiredBy(now, batch);
        !due.isEmpty();
        due = rows.findOpenExpiredBy(now, batch)) {
      for (UploadSessionRow row : due) {
        if (rows.expire(row.id(), now) == 1) {
          expired++;
          fenceHere(row.id(), UploadError.UPLOAD_EXPIRED);
          deleteBytes(row.id());
        }
      }
    }
    Instant before = now.minus(config.getEndedRetention());
    for (var ended = rows.findEndedBefore(before, batch);
        !ended.isEmpty();
        ended = rows.findEndedBefore(before, batch)) {
      boolean progressed = false;
      for (UploadSessionRow row : ended) {
        if (deleteBytes(row.id())) {
          rows.deleteById(row.id());
          progressed = true;
        }
      }
      if (!progressed) {
        break; // the store is failing; the next sweep tries again
      }
    }
    return expired;
  }

  private void fenceHere(String uploadId, UploadError reason) {
    FencedUploadWriter writer = writersHere.remove(uploadId);
    if (writer != null) {
      writer.fence(reason);
    }
  }

  private boolean deleteBytes(String uploadId) {
    try {
      store.delete(uploadId);
      return true;
    } catch (IOException e) {
      LOG.warn(
          "uploads.delete-bytes upload={} failed, the sweeper retries: {}", uploadId, e.toString());
      return false;
    }
  }

  /**
   * The session, if {@code principal} owns it and its token still allows the session's property;
   * anyone else is told it does not exist.
   */
  private static UploadSessionRow owned(Principal principal, UploadSessionRow row)
      throws UploadException {
    if (row == null
        || row.state() == UploadState.DELETED
        || !row.ownedBy(principal.orgId(), principal.userId())
        || !principal.maySeeProperty(row.propertyId())) {
      throw new UploadException(UploadError.UPLOAD_NOT_FOUND, "no such upload");
    }
    return row;
  }

  private void checkOpen(UploadSessionRow row) throws UploadException {
    switch (row.state()) {
      case OPEN -> {
        if (!now().isBefore(row.expiresAt())) {
          throw new UploadException(UploadError.UPLOAD_EXPIRED, "the upload session expired");
        }
      }
      case EXPIRED ->
          throw new UploadException(UploadError.UPLOAD_EXPIRED, "the upload session expired");
      default ->
          throw new UploadException(
              UploadError.UPLOAD_CLOSED,
              "the upload is " + row.state().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** Cuts the store back to the committed offset; the caller holds the row lock. */
  private void dropUncommitted(UploadSessionRow row) throws UploadException {
    try {
      long stored = store.length(row.id());
      if (stored > row.committed()) {
        store.truncate(row.id(), row.committed());
      } else if (stored < row.committed()) {
        throw new UploadException(
            ErrorCode.INTERNAL,
            "the upload store holds "
                + stored
                + " bytes, fewer than the "
                + row.committed()
                + " committed");
      }
    } catch (IOException e) {
      throw unavailable(e);
    }
  }

  private MessageDigest digestOfCommitted(UploadSessionRow row) throws UploadException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = store.read(row.id(), row.committed())) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw unavailable(e);
    }
    return digest;
  }

  /** {@code writer}'s commit matched no row: {@code now} says why. */
  private UploadException fenced(FencedUploadWriter writer, UploadSessionRow now) {
    UploadError reason =
        now == null || (now.state() != UploadState.OPEN && now.state() != UploadState.EXPIRED)
            ? UploadError.UPLOAD_CLOSED
            : now.state() == UploadState.EXPIRED
                ? UploadError.UPLOAD_EXPIRED
                : UploadError.UPLOAD_TAKEN_OVER;
    writer.fence(reason);
    writersHere.remove(writer.uploadId(), writer);
    return lostBecause(reason);
  }

  static UploadException lostBecause(UploadError reason) {
    return switch (reason) {
      case UPLOAD_TAKEN_OVER ->
          new UploadException(reason, "a newer connection resumed this upload");
      case UPLOAD_EXPIRED -> new UploadException(reason, "the upload session expired");
      default -> new UploadException(reason, "the upload was ended");
    };
  }

  private static UploadException unavailable(IOException e) {
    return new UploadException(
        UploadError.STORAGE_UNAVAILABLE, "the upload storage failed; retry from the offset", e);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A unit of work in one transaction that may refuse with an {@link UploadException}. */
  private interface Work<T> {
    T run() throws UploadException;
  }

  private <T> T inTransaction(Work<T> work) throws UploadException {
    try {
      return transactions.executeWrite(
          status -> {
            try {
              return work.run();
            } catch (UploadException e) {
              throw new Refused(e);
            }
          });
    } catch (Refused r) {
      throw r.refusal;
    }
  }

  /** Carries a refusal out of the transaction callback, rolling the transaction back. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial")
    private final UploadException refusal;

    Refused(UploadException refusal) {
      super(refusal.getMessage(), null, false, false);
      this.refusal = refusal;
    }
  }
}
