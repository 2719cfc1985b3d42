package io.bellhop.uploads.session;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code uploads.upload_sessions}. Every update that moves a session forward names the writer
 * generation it expects: that condition is the fence.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface UploadSessionRepository extends CrudRepository<UploadSessionRow, String> {

  /** The row, locked until the surrounding transaction ends. */
  /** Sessions of one user still open and not yet past their expiry. */
  @Query(
      "SELECT count(*) FROM uploads.upload_sessions WHERE org_id = :orgId AND user_id = :userId"
          + " AND state = 'OPEN' AND expires_at > :now")
  long countOpen(String orgId, String userId, Instant now);

  @Query("SELECT * FROM uploads.upload_sessions WHERE id = :id FOR UPDATE")
  Optional<UploadSessionRow> lockById(String id);

  @Query(
      "UPDATE uploads.upload_sessions SET writer_generation = :generation, updated_at = :now"
          + " WHERE id = :id AND writer_generation = :generation - 1 AND state = 'OPEN'")
  long takeOver(String id, long generation, Instant now);

  /** Moves the committed offset from {@code from} to {@code to}: 1 row, or 0 when fenced. */
  @Query(
      "UPDATE uploads.upload_sessions SET committed = :to, updated_at = :now"
          + " WHERE id = :id AND writer_generation = :generation AND committed = :from"
          + " AND state = 'OPEN'")
  long advance(String id, long generation, long from, long to, Instant now);

  @Query(
      "UPDATE uploads.upload_sessions SET state = 'COMPLETE', sha256 = :sha256, updated_at = :now"
          + " WHERE id = :id AND writer_generation = :generation AND committed = :size"
          + " AND state = 'OPEN'")
  long markComplete(String id, long generation, long size, String sha256, Instant now);

  /** Records what validation found in the complete upload: 1 row, or 0 when fenced. */
  @Query(
      "UPDATE uploads.upload_sessions SET content_type = :contentType,"
          + " statement_summary = CAST(:statementSummary AS jsonb), updated_at = :now"
          + " WHERE id = :id AND writer_generation = :generation AND state = 'OPEN'")
  long recordContent(
      String id,
      long generation,
      String contentType,
      @Nullable String statementSummary,
      Instant now);

  @Query(
      "UPDATE uploads.upload_sessions SET state = 'FAILED',"
          + " writer_generation = writer_generation + 1, updated_at = :now"
          + " WHERE id = :id AND writer_generation = :generation AND state = 'OPEN'")
  long markFailed(String id, long generation, Instant now);

  @Query(
      "UPDATE uploads.upload_sessions SET state = 'DELETED',"
          + " writer_generation = writer_generation + 1, updated_at = :now WHERE id = :id")
  long markDeleted(String id, Instant now);

  @Query(
      "UPDATE uploads.upload_sessions SET state = 'EXPIRED',"
          + " writer_generation = writer_generation + 1, updated_at = :now"
          + " WHERE id = :id AND state = 'OPEN' AND expires_at <= :now")
  long expire(String id, Instant now);

  @Query(
      "SELECT * FROM uploads.upload_sessions WHERE state = 'OPEN' AND expires_at <= :now"
          + " ORDER BY expires_at LIMIT :limit")
  List<UploadSessionRow> findOpenExpiredBy(Instant now, int limit);

  @Query(
      "SELECT * FROM uploads.upload_sessions WHERE state IN ('FAILED', 'EXPIRED', 'DELETED')"
          + " AND updated_at < :before ORDER BY updated_at LIMIT :limit")
  List<UploadSessionRow> findEndedBefore(Instant before, int limit);
}
