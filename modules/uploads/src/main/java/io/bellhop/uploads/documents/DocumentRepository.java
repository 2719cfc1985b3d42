package io.bellhop.uploads.documents;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;

/**
 * {@code uploads.documents}. Every update that ends or postpones a job names the attempt it
 * expects: a worker whose lease ran out and whose job was claimed again stores nothing.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface DocumentRepository extends CrudRepository<DocumentRow, String> {

  /** A new pending job; a second insert for the same file does nothing (0). */
  @Query(
      "INSERT INTO uploads.documents (file_id, org_id, user_id, guest_id, property_id,"
          + " document_type, filename, mimetype, size, sha256, ocr_status, attempts, created_at,"
          + " updated_at) VALUES (:fileId, :orgId, :userId, :guestId, :propertyId, :documentType,"
          + " :filename, :mimetype, :size, :sha256, 'PENDING', 0, :now, :now)"
          + " ON CONFLICT (file_id) DO NOTHING")
  long insertPending(
      String fileId,
      String orgId,
      String userId,
      String guestId,
      String propertyId,
      String documentType,
      String filename,
      String mimetype,
      long size,
      String sha256,
      Instant now);

  /**
   * Jobs a worker may take, oldest first, locked until the transaction ends; rows another node has
   * locked are skipped, not waited for. Due: pending, or running with a lease that ran out.
   */
  @Query(
      "SELECT * FROM uploads.documents WHERE ocr_status = 'PENDING'"
          + " OR (ocr_status = 'RUNNING' AND claimed_until <= :now)"
          + " ORDER BY created_at LIMIT :limit FOR UPDATE SKIP LOCKED")
  List<DocumentRow> lockDue(Instant now, int limit);

  /** Takes a locked due job for {@code node} until {@code until}: a new attempt. */
  @Query(
      "UPDATE uploads.documents SET ocr_status = 'RUNNING', attempts = attempts + 1,"
          + " claimed_by = :node, claimed_until = :until, updated_at = :now WHERE file_id = :fileId")
  long claim(String fileId, String node, Instant until, Instant now);

  /** Stores the outcome of {@code attempt}: 1 row, or 0 when the job was claimed again since. */
  @Query(
      "UPDATE uploads.documents SET ocr_status = :status, ocr_result = CAST(:result AS jsonb),"
          + " ocr_error = :error, pages = :pages, claimed_by = NULL, claimed_until = NULL,"
          + " ocr_finished_at = :now, updated_at = :now"
          + " WHERE file_id = :fileId AND attempts = :attempt AND ocr_status = 'RUNNING'")
  long finish(
      String fileId,
      int attempt,
      String status,
      @Nullable String result,
      @Nullable String error,
      @Nullable Integer pages,
      Instant now);

  /** Leaves {@code attempt}'s job to be claimed again at {@code until}, noting why. */
  @Query(
      "UPDATE uploads.documents SET claimed_until = :until, ocr_error = :error, updated_at = :now"
          + " WHERE file_id = :fileId AND attempts = :attempt AND ocr_status = 'RUNNING'")
  long postpone(String fileId, int attempt, Instant until, String error, Instant now);
}
