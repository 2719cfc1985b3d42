package io.bellhop.events.stream;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code bellhop.stream.*}: limits and timings of the unified stream. */
@ConfigurationProperties("bellhop.stream")
public class StreamConfig {
  Duration handshakeTimeout = Duration.ofSeconds(10);
  Duration heartbeat = Duration.ofSeconds(30);

  /** Bytes queued towards one client before it is cut as a slow consumer (4509). */
  int maxQueuedBytes = 4 * 1024 * 1024;

  /** How long a cut or closing client gets to read its close frame before the socket is dropped. */
  Duration closeGrace = Duration.ofSeconds(10);

  int maxBatchEvents = 100;
  int replayPageSize = 1000;
  int replayThreads = 8;

  /** Threads that read the log position for socket handshakes; no other work runs on them. */
  int handshakeThreads = 4;

  /** Threads for the HTTP fallbacks' log reads (SSE pumps, long-polls). */
  int fallbackThreads = 8;

  /** Of {@link #fallbackThreads}, how many one org's fallback reads may occupy at once. */
  int fallbackThreadsPerOrg = 2;

  int fanOutShards = 2;

  /** How long past {@code exp} a live connection may run without a refresh. */
  Duration expiryGrace = Duration.ofSeconds(30);

  /**
   * Frames (of any kind) one client may send per second, sustained; faster is closed with 4430. The
   * protocol needs a handshake and a refresh every few minutes, so this is generous.
   */
  int clientFramesPerSecond = 20;

  /** Frames a client may send at once before {@link #clientFramesPerSecond} applies. */
  int clientFrameBurst = 100;

  int maxPayloadBytes = 64 * 1024;
  int maxEventsPerRequest = 1_000;

  public Duration getHandshakeTimeout() {
    return handshakeTimeout;
  }

  public void setHandshakeTimeout(Duration handshakeTimeout) {
    this.handshakeTimeout = handshakeTimeout;
  }

  public Duration getHeartbeat() {
    return heartbeat;
  }

  public void setHeartbeat(Duration heartbeat) {
    this.heartbeat = heartbeat;
  }

  public int getMaxQueuedBytes() {
    return maxQueuedBytes;
  }

  public void setMaxQueuedBytes(int maxQueuedBytes) {
    this.maxQueuedBytes = maxQueuedBytes;
  }

  public Duration getCloseGrace() {
    return closeGrace;
  }

  public void setCloseGrace(Duration closeGrace) {
    this.closeGrace = closeGrace;
  }

  public int getMaxBatchEvents() {
    return maxBatchEvents;
  }

  public void setMaxBatchEvents(int maxBatchEvents) {
    this.maxBatchEvents = maxBatchEvents;
  }

  public int getReplayPageSize() {
    return replayPageSize;
  }

  public void setReplayPageSize(int replayPageSize) {
    this.replayPageSize = replayPageSize;
  }

  public int getReplayThreads() {
    return replayThreads;
  }

  public void setReplayThreads(int replayThreads) {
    this.replayThreads = replayThreads;
  }

  public int getHandshakeThreads() {
    return handshakeThreads;
  }

  public void setHandshakeThreads(int handshakeThreads) {
    this.handshakeThreads = handshakeThreads;
  }

  public int getFallbackThreads() {
    return fallbackThreads;
  }

  public void setFallbackThreads(int fallbackThreads) {
    this.fallbackThreads = fallbackThreads;
  }

  public int getFallbackThreadsPerOrg() {
    return fallbackThreadsPerOrg;
  }

  public void setFallbackThreadsPerOrg(int fallbackThreadsPerOrg) {
    this.fallbackThreadsPerOrg = fallbackThreadsPerOrg;
  }

  public int getFanOutShards() {
    return fanOutShards;
  }

  public void setFanOutShards(int fanOutShards) {
    this.fanOutShards = fanOutShards;
  }

  public Duration getExpiryGrace() {
    return expiryGrace;
  }

  public void setExpiryGrace(Duration expiryGrace) {
    this.expiryGrace = expiryGrace;
  }

  public int getClientFramesPerSecond() {
    return clientFramesPerSecond;
  }

  public void setClientFramesPerSecond(int clientFramesPerSecond) {
    this.clientFramesPerSecond = clientFramesPerSecond;
  }

  public int getClientFrameBurst() {
    return clientFrameBurst;
  }

  public void setClientFrameBurst(int clientFrameBurst) {
    this.clientFrameBurst = clientFrameBurst;
  }

  public int getMaxPayloadBytes() {
    return maxPayloadBytes;
  }

  public void setMaxPayloadBytes(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  public int getMaxEventsPerRequest() {
    return maxEventsPerRequest;
  }

  public void setMaxEventsPerRequest(int maxEventsPerRequest) {
    this.maxEventsPerRequest = maxEventsPerRequest;
  }
}
