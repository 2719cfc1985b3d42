package io.bellhop.uploads.store;

import io.micronaut.context.annotation.ConfigurationProperties;

/** {@code bellhop.uploads.storage.*}: where upload bytes are kept. */
@ConfigurationProperties("bellhop.uploads.storage")
public class StorageConfig {
  /** {@code filesystem} (default; one node) or {@code jetstream} (several nodes share it). */
  private String backend = "filesystem";

  /** The filesystem store's directory; relative paths are against the working directory. */
  private String directory = ".data/uploads";

  private String streamName = "BELLHOP_UPLOADS";
  private String subjectPrefix = "bellhop.uploads";

  /** Bytes per JetStream message; below the server's max_payload (1 MiB by default). */
  private int chunkBytes = 64 * 1024;

  /** {@code file} (durable) or {@code memory} JetStream storage. */
  private String jetstreamStorage = "file";

  private int replicas = 1;

  public String getBackend() {
    return backend;
  }

  public void setBackend(String backend) {
    this.backend = backend;
  }

  public String getDirectory() {
    return directory;
  }

  public void setDirectory(String directory) {
    this.directory = directory;
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

  public int getChunkBytes() {
    return chunkBytes;
  }

  public void setChunkBytes(int chunkBytes) {
    this.chunkBytes = chunkBytes;
  }

  public String getJetstreamStorage() {
    return jetstreamStorage;
  }

  public void setJetstreamStorage(String jetstreamStorage) {
    this.jetstreamStorage = jetstreamStorage;
  }

  public int getReplicas() {
    return replicas;
  }

  public void setReplicas(int replicas) {
    this.replicas = replicas;
  }
}
