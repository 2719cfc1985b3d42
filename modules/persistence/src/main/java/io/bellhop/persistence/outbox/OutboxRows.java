package io.bellhop.persistence.outbox;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.Service;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The relay's SQL, on its own auto-committing connection. */
final class OutboxRows {
  static final String CHANNEL = "bellhop_outbox";

  /** Pending rows counted up to this many: counting millions every few seconds costs too much. */
  static final long PENDING_COUNT_CAP = 1_000_000;

  private OutboxRows() {}

  /** A row to publish. {@code envelope} is empty when the row names no known service. */
  record PendingRow(
      long id,
      String eventId,
      String orgId,
      Optional<EventEnvelope> envelope,
      String service,
      long attemptAfterSeq,
      boolean attemptedLongAgo) {}

  /** Takes the relay's leadership if no other session holds it; kept until the session ends. */
  static boolean tryLead(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT pg_try_advisory_lock(hashtext('bellhop.outbox.relay'))")) {
      r.next();
      return r.getBoolean(1);
    }
  }

  static void listen(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + CHANNEL);
    }
  }

  static boolean anyPending(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT EXISTS (SELECT 1 FROM outbox.events WHERE published_at IS NULL)")) {
      r.next();
      return r.getBoolean(1);
    }
  }

  /**
   * Reads up to {@code max} pending rows in id order and records that they are about to be
   * published: when (first time only), and a log seq every append of theirs will exceed. {@code
   * attemptedLongAgo} tells which rows had a first attempt longer ago than {@code recent}.
   */
  static List<PendingRow> claim(Connection c, int max, long afterSeq, Duration recent)
      throws SQLException {
    String sql =
        "UPDATE outbox.events SET first_attempt_at = coalesce(first_attempt_at, now()),"
            + " attempt_after_seq = coalesce(attempt_after_seq, ?)"
            + " WHERE id IN (SELECT id FROM outbox.events WHERE published_at IS NULL"
            + " ORDER BY id LIMIT ?)"
            + " RETURNING id, event_id, service, type, org_id, property_id, occurred_at, payload,"
            + " attempt_after_seq, first_attempt_at < now() - make_interval(secs => ?)";
    var rows = new ArrayList<PendingRow>(max);
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, afterSeq);
      s.setInt(2, max);
      s.setDouble(3, recent.toMillis() / 1000.0);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          String eventId = r.getString(2);
          String service = r.getString(3);
          String type = r.getString(4);
          String orgId = r.getString(5);
          String propertyId = r.getString(6);
          String occurredAt = r.getString(7);
          String payload = r.getString(8);
          Optional<EventEnvelope> envelope =
              Service.parse(service)
                  .map(
                      known ->
                          new EventEnvelope(
                              eventId, known, type, orgId, propertyId, occurredAt, payload, 0));
          rows.add(
              new PendingRow(
                  r.getLong(1), eventId, orgId, envelope, service, r.getLong(9), r.getBoolean(10)));
        }
      }
    }
    rows.sort(Comparator.comparingLong(PendingRow::id)); // RETURNING keeps no order
    return rows;
  }

  /** Marks rows published at the given log positions ({@code id → seq}). */
  static void markPublished(Connection c, Map<Long, Long> seqById) throws SQLException {
    if (seqById.isEmpty()) {
      return;
    }
    Long[] ids = seqById.keySet().toArray(Long[]::new);
    Long[] seqs = new Long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      seqs[i] = seqById.get(ids[i]);
    }
    Array idArray = c.createArrayOf("bigint", ids);
    Array seqArray = c.createArrayOf("bigint", seqs);
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE outbox.events AS e SET published_at = now(), seq = m.seq"
                + " FROM unnest(?::bigint[], ?::bigint[]) AS m(id, seq) WHERE e.id = m.id")) {
      s.setArray(1, idArray);
      s.setArray(2, seqArray);
      s.executeUpdate();
    } finally {
      idArray.free();
      seqArray.free();
    }
  }

  /** Gives up on a row the log refuses: it stops being pending, with the reason kept. */
  static void markRejected(Connection c, long id, String reason) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE outbox.events SET published_at = now(), rejected = ? WHERE id = ?")) {
      s.setString(1, reason);
      s.setLong(2, id);
      s.executeUpdate();
    }
  }

  /** Pending rows (counted up to {@link #PENDING_COUNT_CAP}) and the oldest one's age. */
  record Backlog(long pending, double oldestSeconds) {}

  static Backlog backlog(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox.events"
                    + " WHERE published_at IS NULL LIMIT "
                    + PENDING_COUNT_CAP
                    + ") p),"
                    + " coalesce((SELECT extract(epoch FROM clock_timestamp() - created_at)"
                    + " FROM outbox.events WHERE published_at IS NULL ORDER BY id LIMIT 1), 0)")) {
      r.next();
      return new Backlog(r.getLong(1), r.getDouble(2));
    }
  }

  /** Deletes up to {@code max} rows published longer than {@code retention} ago. */
  static int deletePublishedBefore(Connection c, Duration retention, int max) throws SQLException {
    // created_at <= published_at: the redundant bound lets the BRIN index on created_at serve.
    try (PreparedStatement s =
        c.prepareStatement(
            "DELETE FROM outbox.events WHERE ctid = ANY(ARRAY("
                + "SELECT ctid FROM outbox.events"
                + " WHERE created_at < now() - make_interval(secs => ?)"
                + " AND published_at < now() - make_interval(secs => ?) LIMIT ?))")) {
      double seconds = retention.toMillis() / 1000.0;
      s.setDouble(1, seconds);
      s.setDouble(2, seconds);
      s.setInt(3, max);
      return s.executeUpdate();
    }
  }
}
