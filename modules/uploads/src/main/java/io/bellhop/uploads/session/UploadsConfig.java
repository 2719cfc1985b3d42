package io.bellhop.uploads.session;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code bellhop.uploads.*}: limits and lifetimes of upload sessions. */
@ConfigurationProperties("bellhop.uploads")
public class UploadsConfig {
  /** Largest declared size accepted: 100 MiB. */
  private long maxSize = 100L * 1024 * 1024;

  /**
   * Open sessions one user may hold at once: with {@code max-size}, what one account can keep on
   * the node's storage before it completes or deletes something.
   */
  private int maxOpenPerUser = 20;

  public int getMaxOpenPerUser() {
    return maxOpenPerUser;
  }

  public void setMaxOpenPerUser(int maxOpenPerUser) {
    this.maxOpenPerUser = maxOpenPerUser;
  }

  /** An open session not completed within this after it was opened expires. */
  private Duration expiry = Duration.ofHours(24);

  /** The chunk size front ends tell clients to send. */
  private int chunkSize = 64 * 1024;

  /**
   * How many bytes a client may have sent and not yet seen acknowledged: the memory one upload may
   * hold on a node. A front end stops reading a client that sends past it.
   */
  private int window = 4 * 1024 * 1024;

  /**
   * The most bytes a front end gathers into one {@code write} (one fsync and one commit, then an
   * acknowledgement): bytes lost to a crash are at most a window, of which this is the unit.
   */
  private int commitBytes = 1024 * 1024;

  /** How often each node looks for expired sessions. */
  private Duration sweepInterval = Duration.ofMinutes(5);

  /**
   * How long a failed, expired or deleted session's row is kept (resume answers {@code
   * UPLOAD_EXPIRED} meanwhile, then {@code UPLOAD_NOT_FOUND}); its bytes are deleted again when the
   * row goes, in case a fenced writer's last append landed after the first deletion.
   */
  private Duration endedRetention = Duration.ofHours(1);

  public long getMaxSize() {
    return maxSize;
  }

  public void setMaxSize(long maxSize) {
    this.maxSize = maxSize;
  }

  public Duration getExpiry() {
    return expiry;
  }

  public void setExpiry(Duration expiry) {
    this.expiry = expiry;
  }

  public int getChunkSize() {
    return chunkSize;
  }

  public void setChunkSize(int chunkSize) {
    this.chunkSize = chunkSize;
  }

  public int getWindow() {
    return window;
  }

  public void setWindow(int window) {
    this.window = window;
  }

  public int getCommitBytes() {
    return commitBytes;
  }

  public void setCommitBytes(int commitBytes) {
    this.commitBytes = commitBytes;
  }

  public Duration getSweepInterval() {
    return sweepInterval;
  }

  public void setSweepInterval(Duration sweepInterval) {
    this.sweepInterval = sweepInterval;
  }

  public Duration getEndedRetention() {
    return endedRetention;
  }

  public void setEndedRetention(Duration endedRetention) {
    this.endedRetention = endedRetention;
  }
}
