package io.bellhop.persistence.outbox;

import io.bellhop.events.EventEnvelope;
import io.bellhop.events.EventPublisher;
import io.bellhop.persistence.Outbox;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.TransactionStatus;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Inserts outbox rows on the connection of the caller's transaction. */
@Singleton
final class JdbcOutbox implements Outbox {
  private static final String INSERT =
      "INSERT INTO outbox.events"
          + " (event_id, service, type, org_id, property_id, occurred_at, payload)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING";

  private final TransactionOperations<Connection> transactions;
  private final EventPublisher publisher;

  JdbcOutbox(TransactionOperations<Connection> transactions, EventPublisher publisher) {
    this.transactions = transactions;
    this.publisher = publisher;
  }

  @Override
  public void add(EventEnvelope event) {
    publisher.validate(List.of(event));
    Connection connection = transactionalConnection();
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, event.eventId());
      insert.setString(2, event.service().wireName());
      insert.setString(3, event.type());
      insert.setString(4, event.orgId());
      insert.setString(5, event.propertyId());
      insert.setString(6, event.occurredAt());
      insert.setString(7, event.payload());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new DataAccessException("cannot add event " + event.eventId() + " to the outbox", e);
    }
  }

  /**
   * The connection of the current read-write transaction. An outbox row written outside one would
   * be committed on its own, and could be published for a change that is later rolled back.
   */
  private Connection transactionalConnection() {
    TransactionStatus<?> status =
        transactions
            .findTransactionStatus()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Outbox.add must be called inside a transaction (@Transactional), so the"
                            + " event commits or rolls back with the rows it announces"));
    if (status.isCompleted()
        || status.getTransactionDefinition().isReadOnly().orElse(false)
        || !(status.getConnection() instanceof Connection connection)) {
      throw new IllegalStateException(
          "Outbox.add needs an active read-write transaction (@Transactional), not " + status);
    }
    try {
      if (connection.getAutoCommit()) {
        throw new IllegalStateException(
            "Outbox.add needs an active transaction; the current connection auto-commits"
                + " (a transactional method with propagation SUPPORTS or NOT_SUPPORTED?)");
      }
    } catch (SQLException e) {
      throw new DataAccessException("cannot read the transaction's state", e);
    }
    return connection;
  }
}
