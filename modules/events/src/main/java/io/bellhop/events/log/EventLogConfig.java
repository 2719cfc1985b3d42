package io.bellhop.events.log;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code bellhop.events.log.*}: which log backs the streams, and its JetStream settings. */
@ConfigurationProperties("bellhop.events.log")
public class EventLogConfig {
  /** {@code jetstream} (default) or {@code memory} (tests, single process, not durable). */
  private String backend = "jetstream";

  private String streamName = "BELLHOP_EVENTS";
  private String subjectPrefix = "bellhop.events";

  /** Events older than this are dropped; a cursor older than that resumes with recovered=false. */
  private Duration maxAge = Duration.ofHours(24);

  /** Upper bound on stored bytes, oldest dropped first; -1 for no bound. */
  private long maxBytes = -1;

  /** How long an {@code eventId} is remembered for de-duplication. */
  private Duration duplicateWindow = Duration.ofMinutes(2);

  /** {@code file} (durable) or {@code memory} JetStream storage. */
  private String storage = "file";

  private int replicas = 1;

  public String getBackend() {
    return backend;
  }

  public void setBackend(String backend) {
    this.backend = backend;
  }

  public String getStreamName() {
    return streamName;
  }

  public void setStreamName(String streamName) {
    this.streamName = streamName;
  }

  public String getSubjectPrefix() {
    return subjectPrefix;
  }

  public void setSubjectPrefix(String subjectPrefix) {
    this.subjectPrefix = subjectPrefix;
  }

  public Duration getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(Duration maxAge) {
    this.maxAge = maxAge;
  }

  public long getMaxBytes() {
    return maxBytes;
  }

  public void setMaxBytes(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  public Duration getDuplicateWindow() {
    return duplicateWindow;
  }

  public void setDuplicateWindow(Duration duplicateWindow) {
    this.duplicateWindow = duplicateWindow;
  }

  public String getStorage() {
    return storage;
  }

  public void setStorage(String storage) {
    this.storage = storage;
  }

  public int getReplicas() {
    return replicas;
  }

  public void setReplicas(int replicas) {
    this.replicas = replicas;
  }
}
