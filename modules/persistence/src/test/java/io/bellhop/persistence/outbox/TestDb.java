package io.bellhop.persistence.outbox;

import io.bellhop.testing.TestServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Plain JDBC reads of the test database, and waiting on conditions. */
final class TestDb {
  private TestDb() {}

  static Connection connect() throws SQLException {
    var pg = TestServices.get().postgres();
    return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
  }

  /** The outbox row of {@code eventId}: its seq when published, empty while pending. */
  record Row(long id, Long seq, boolean published, String rejected) {}

  static Optional<Row> outboxRow(String eventId) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, seq, published_at IS NOT NULL, rejected FROM outbox.events"
                    + " WHERE event_id = ?")) {
      s.setString(1, eventId);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        long seq = r.getLong(2);
        return Optional.of(
            new Row(r.getLong(1), r.wasNull() ? null : seq, r.getBoolean(3), r.getString(4)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> column(String sql) {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet r = s.executeQuery()) {
      var out = new ArrayList<String>();
      while (r.next()) {
        out.add(r.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " (waited " + timeout.toSeconds() + " s)");
      }
      LockSupport.parkNanos(20_000_000L);
    }
  }
}
