package io.bellhop.persistence.outbox;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code bellhop.outbox.*}: the relay that moves committed outbox rows to the event log. */
@ConfigurationProperties("bellhop.outbox")
class OutboxConfig {
  /** Whether this node runs a relay; with several nodes one leads and the others stand by. */
  private boolean relayEnabled = true;

  /** Rows read, published and marked per round. */
  private int batchSize = 100;

  /** How often the leader looks for rows without being notified: a safety net under NOTIFY. */
  private Duration pollInterval = Duration.ofSeconds(1);

  /** How often a standby node tries to take the lead. Bounds the hand-over after a leader dies. */
  private Duration standbyInterval = Duration.ofSeconds(2);

  /** How long the relay waits for the log to acknowledge a batch before it retries. */
  private Duration publishTimeout = Duration.ofSeconds(10);

  /** First and largest pause between retries while the log or PostgreSQL fails. */
  private Duration retryMin = Duration.ofMillis(100);

  private Duration retryMax = Duration.ofSeconds(10);

  /** Published rows are deleted once they are this old. */
  private Duration retention = Duration.ofHours(24);

  public boolean isRelayEnabled() {
    return relayEnabled;
  }

  public void setRelayEnabled(boolean relayEnabled) {
    this.relayEnabled = relayEnabled;
  }

  public int getBatchSize() {
    return batchSize;
  }

  public void setBatchSize(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("bellhop.outbox.batch-size must be at least 1");
    }
    this.batchSize = batchSize;
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public Duration getStandbyInterval() {
    return standbyInterval;
  }

  public void setStandbyInterval(Duration standbyInterval) {
    this.standbyInterval = standbyInterval;
  }

  public Duration getPublishTimeout() {
    return publishTimeout;
  }

  public void setPublishTimeout(Duration publishTimeout) {
    this.publishTimeout = publishTimeout;
  }

  public Duration getRetryMin() {
    return retryMin;
  }

  public void setRetryMin(Duration retryMin) {
    this.retryMin = retryMin;
  }

  public Duration getRetryMax() {
    return retryMax;
  }

  public void setRetryMax(Duration retryMax) {
    this.retryMax = retryMax;
  }

  public Duration getRetention() {
    return retention;
  }

  public void setRetention(Duration retention) {
    this.retention = retention;
  }
}
