package io.bellhop.uploads.stream;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * {@code bellhop.uploads.stream.*}: the WebSocket front end. Sizes shared with tus (chunk size,
 * window, commit size) are {@code bellhop.uploads.*}.
 */
@ConfigurationProperties("bellhop.uploads.stream")
class UploadStreamConfig {
  /** How long a new socket may take to send its handshake (4408). */
  Duration handshakeTimeout = Duration.ofSeconds(10);

  /** How long a closing client gets to read its close frame. */
  Duration closeGrace = Duration.ofSeconds(5);

  /** How long past the token's {@code exp} an upload may run without a refresh. */
  Duration expiryGrace = Duration.ofSeconds(30);

  /**
   * Threads that open, resume, store and complete uploads (blocking: PostgreSQL and fsync). Each
   * socket uses at most one at a time, so this bounds how many uploads make progress at once.
   */
  int writerThreads = 16;

  /**
   * Client frames per second, sustained: a 64 KiB chunk per frame makes 20,000 about 1.2 GiB/s, far
   * above any disk here; a client of tiny frames is cut at it (4430).
   */
  int framesPerSecond = 20_000;

  int frameBurst = 2_000;

  /**
   * Bytes all upload sockets of this node may hold received and not yet stored. Past it every
   * socket that receives stops reading until commits make room, so many sockets filling their
   * windows at once cannot exhaust the node's memory.
   */
  long maxBufferedBytes = 256L * 1024 * 1024;

  public long getMaxBufferedBytes() {
    return maxBufferedBytes;
  }

  public void setMaxBufferedBytes(long maxBufferedBytes) {
    this.maxBufferedBytes = maxBufferedBytes;
  }

  public Duration getHandshakeTimeout() {
    return handshakeTimeout;
  }

  public void setHandshakeTimeout(Duration handshakeTimeout) {
    this.handshakeTimeout = handshakeTimeout;
  }

  public Duration getCloseGrace() {
    return closeGrace;
  }

  public void setCloseGrace(Duration closeGrace) {
    this.closeGrace = closeGrace;
  }

  public Duration getExpiryGrace() {
    return expiryGrace;
  }

  public void setExpiryGrace(Duration expiryGrace) {
    this.expiryGrace = expiryGrace;
  }

  public int getWriterThreads() {
    return writerThreads;
  }

  public void setWriterThreads(int writerThreads) {
    this.writerThreads = writerThreads;
  }

  public int getFramesPerSecond() {
    return framesPerSecond;
  }

  public void setFramesPerSecond(int framesPerSecond) {
    this.framesPerSecond = framesPerSecond;
  }

  public int getFrameBurst() {
    return frameBurst;
  }

  public void setFrameBurst(int frameBurst) {
    this.frameBurst = frameBurst;
  }
}
