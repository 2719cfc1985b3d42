package io.bellhop.persistence.outbox;

import com.zaxxer.hikari.HikariConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Opens the relay's own connection to the data source's database, outside the pool: it holds the
 * session-level leadership lock and the LISTEN, both of which must end when the connection closes.
 * A pooled connection would go back to the pool still holding them.
 */
final class RelayConnection {
  private final String url;
  private final Properties properties = new Properties();

  RelayConnection(DataSource pool) {
    if (!(pool instanceof HikariConfig hikari)) {
      throw new IllegalStateException(
          "the outbox relay needs a Hikari data source (micronaut-jdbc-hikari), not "
              + pool.getClass().getName());
    }
    this.url = hikari.getJdbcUrl();
    if (hikari.getUsername() != null) {
      properties.setProperty("user", hikari.getUsername());
    }
    if (hikari.getPassword() != null) {
      properties.setProperty("password", hikari.getPassword());
    }
    properties.setProperty("ApplicationName", "bellhop-outbox-relay");
    properties.setProperty("tcpKeepAlive", "true");
    // A half-open connection must not hang the relay forever; its queries are short.
    properties.setProperty("socketTimeout", "60");
  }

  Connection open() throws SQLException {
    Connection c = DriverManager.getConnection(url, properties);
    c.setAutoCommit(true);
    return c;
  }
}
