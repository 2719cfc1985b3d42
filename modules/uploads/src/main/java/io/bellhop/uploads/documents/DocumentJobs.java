package io.bellhop.uploads.documents;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.Service;
import io.bellhop.persistence.Outbox;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.TransactionStatus;
import io.micronaut.transaction.support.TransactionSynchronization;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Documents and their OCR jobs in {@code uploads.documents}: recorded with the upload's completion,
 * claimed by workers on any node under a lease, finished with the result and its event in one
 * transaction.
 *
 * <p><b>Claims.</b> A worker locks due rows with {@code FOR UPDATE SKIP LOCKED} (nodes never wait
 * for each other or take the same row) and takes each for its node until the lease ends: the
 * document timeout plus a grace. Each claim is a new attempt. A node that dies leaves its rows
 * running with a lease that runs out; they are then due again. A row claimed {@code max-attempts}
 * times fails with the reason instead. A result is stored only by the attempt that is still
 * current, so a slow worker whose job was taken again stores nothing and publishes nothing.
 */
@Singleton
public final class DocumentJobs {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentJobs.class);

  /** The event type published when a document's OCR ends, whatever its status. */
  public static final String COMPLETED = "document.ocr.completed";

  private final DocumentRepository rows;
  private final Outbox outbox;
  private final TransactionOperations<Connection> transactions;
  private final OcrConfig config;
  private final JobSignal signal;
  private final Clock clock;
  private final String node;

  @Inject
  DocumentJobs(
      DocumentRepository rows,
      Outbox outbox,
      TransactionOperations<Connection> transactions,
      OcrConfig config,
      JobSignal signal) {
    this(
        rows,
        outbox,
        transactions,
        config,
        signal,
        Clock.systemUTC(),
        ManagementFactory.getRuntimeMXBean().getName());
  }

  DocumentJobs(
      DocumentRepository rows,
      Outbox outbox,
      TransactionOperations<Connection> transactions,
      OcrConfig config,
      JobSignal signal,
      Clock clock,
      String node) {
    this.rows = rows;
    this.outbox = outbox;
    this.transactions = transactions;
    this.config = config;
    this.signal = signal;
    this.clock = clock;
    this.node = node;
  }

  /**
   * Records the document of a completed upload with a pending OCR job, in the caller's transaction:
   * the job exists exactly when the completion committed. This node's workers are woken after the
   * commit. Recording the same file twice does nothing.
   *
   * @throws IllegalStateException outside a transaction
   */
  public void created(NewDocument d) {
    TransactionStatus<?> status =
        transactions
            .findTransactionStatus()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "a document is recorded in the transaction that completes its upload"));
    rows.insertPending(
        d.fileId(),
        d.orgId(),
        d.userId(),
        d.guestId(),
        d.propertyId(),
        d.documentType(),
        d.filename(),
        d.mimetype(),
        d.size(),
        d.sha256(),
        now());
    status.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            signal.wake();
          }
        });
  }

  /** Forgets the document of a deleted upload (in the caller's transaction, if any). */
  public void deleted(String fileId) {
    rows.deleteById(fileId);
  }

  Optional<DocumentRow> find(String fileId) {
    return rows.findById(fileId);
  }

  /** A job this node holds: the row as it was claimed, and the attempt that claimed it. */
  record Claim(DocumentRow row, int attempt) {}

  /**
   * Claims at most {@code limit} due jobs for this node. Due jobs out of attempts fail on the way,
   * with their event.
   */
  List<Claim> claim(int limit) {
    return transactions.executeWrite(
        status -> {
          Instant now = now();
          List<Claim> claimed = new ArrayList<>();
          for (DocumentRow row : rows.lockDue(now, limit)) {
            if (row.attempts() >= config.getMaxAttempts()) {
              giveUp(row, now);
            } else {
              rows.claim(row.fileId(), node, now.plus(config.lease()), now);
              claimed.add(new Claim(row, row.attempts() + 1));
            }
          }
          return claimed;
        });
  }

  /**
   * Stores the reading and publishes its event, in one transaction, if {@code claim} is still the
   * job's current attempt.
   *
   * @return false when the job was claimed again meanwhile (nothing stored)
   */
  boolean finish(Claim claim, Reading reading) {
    return transactions.executeWrite(
        status -> {
          Instant now = now();
          DocumentRow row = claim.row();
          long stored =
              rows.finish(
                  row.fileId(),
                  claim.attempt(),
                  reading.status().name(),
                  DocumentJson.result(reading),
                  reading.error(),
                  reading.pages(),
                  now);
          if (stored == 1) {
            outbox.add(event(row, reading, now));
          }
          return stored == 1;
        });
  }

  /** Leaves the job for a later attempt, on any node, after the retry delay. */
  void retryLater(Claim claim, String reason) {
    Instant now = now();
    rows.postpone(
        claim.row().fileId(), claim.attempt(), now.plus(config.getRetryDelay()), reason, now);
  }

  private void giveUp(DocumentRow row, Instant now) {
    String last =
        row.ocrError() != null ? row.ocrError() : "the node reading it stopped before it finished";
    Reading failed =
        Reading.failed(
            "OCR did not finish in " + row.attempts() + " attempts; the last: " + last, 0);
    if (rows.finish(
            row.fileId(), row.attempts(), OcrStatus.FAILED.name(), null, failed.error(), null, now)
        == 1) {
      LOG.warn("uploads.ocr file={} failed: {}", row.fileId(), failed.error());
      outbox.add(event(row, failed, now));
    }
  }

  private static EventEnvelope event(DocumentRow row, Reading reading, Instant now) {
    // One completion per file (the attempt fence), so the file id is a stable idempotency key.
    return new EventEnvelope(
        "ocr-" + row.fileId(),
        Service.GUEST,
        COMPLETED,
        row.orgId(),
        row.propertyId(),
        now.toString(),
        DocumentJson.completedEvent(row, reading),
        0);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
