package io.bellhop.realtime;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code bellhop.realtime.*}: node-wide limits shared by every realtime endpoint. Per-endpoint
 * limits (message size, queue bound, rates) are each module's, in its {@link SocketSpec}.
 */
@ConfigurationProperties("bellhop.realtime")
class RealtimeConfig {
  /** Sockets of every endpoint this node holds at once; more are closed with 4429. */
  int maxConnections = 19_000;

  /** New sockets accepted per second, all endpoints together; more get 4429 and a retry hint. */
  int acceptPerSecond = 5_000;

  /** Sockets, SSE streams and waiting polls one user ({@code sub}) may hold on this node. */
  int maxConnectionsPerUser = 50;

  /** Sockets, SSE streams and waiting polls one org may hold on this node. */
  int maxConnectionsPerOrg = 10_000;

  /** How long SIGTERM waits for drained sockets to go before shutdown goes on regardless. */
  Duration drainTimeout = Duration.ofSeconds(10);

  public int getMaxConnections() {
    return maxConnections;
  }

  public void setMaxConnections(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  public int getAcceptPerSecond() {
    return acceptPerSecond;
  }

  public void setAcceptPerSecond(int acceptPerSecond) {
    this.acceptPerSecond = acceptPerSecond;
  }

  public int getMaxConnectionsPerUser() {
    return maxConnectionsPerUser;
  }

  public void setMaxConnectionsPerUser(int maxConnectionsPerUser) {
    this.maxConnectionsPerUser = maxConnectionsPerUser;
  }

  public int getMaxConnectionsPerOrg() {
    return maxConnectionsPerOrg;
  }

  public void setMaxConnectionsPerOrg(int maxConnectionsPerOrg) {
    this.maxConnectionsPerOrg = maxConnectionsPerOrg;
  }

  public Duration getDrainTimeout() {
    return drainTimeout;
  }

  public void setDrainTimeout(Duration drainTimeout) {
    this.drainTimeout = drainTimeout;
  }
}
