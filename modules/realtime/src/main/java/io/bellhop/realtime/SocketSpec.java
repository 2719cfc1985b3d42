package io.bellhop.realtime;

import java.time.Duration;

/**
 * What one socket endpoint asks of the kernel; each module builds it from its own configuration.
 *
 * @param name the endpoint's tag in metrics ({@code endpoint=...}) and the prefix of its log lines
 *     ({@code <name>.open}, {@code <name>.close})
 * @param maxMessageBytes the largest client message, whether sent whole, fragmented or compressed;
 *     larger closes with 1009
 * @param maxQueuedBytes bytes queued towards one client before it is cut as a slow consumer (4509)
 * @param handshakeTimeout how long a new socket may take to present a token (4408)
 * @param closeGrace how long a closing client gets to read its close frame
 * @param expiryGrace how long past the token's {@code exp} a socket may run without a refresh
 * @param framesPerSecond client frames of any kind per second, sustained (4430 past it)
 * @param frameBurst client frames at once before {@code framesPerSecond} applies
 * @param maxBinaryBytes the largest binary client message, handed to {@link
 *     SocketHandler#onBinary}; 0 (text-only endpoints) closes a binary frame with 1003
 */
public record SocketSpec(
    String name,
    int maxMessageBytes,
    long maxQueuedBytes,
    Duration handshakeTimeout,
    Duration closeGrace,
    Duration expiryGrace,
    int framesPerSecond,
    int frameBurst,
    int maxBinaryBytes) {

  /** A text-only endpoint. */
  public SocketSpec(
      String name,
      int maxMessageBytes,
      long maxQueuedBytes,
      Duration handshakeTimeout,
      Duration closeGrace,
      Duration expiryGrace,
      int framesPerSecond,
      int frameBurst) {
    this(
        name,
        maxMessageBytes,
        maxQueuedBytes,
        handshakeTimeout,
        closeGrace,
        expiryGrace,
        framesPerSecond,
        frameBurst,
        0);
  }

  public SocketSpec {
    if (!name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("endpoint name must be a lower-case tag: " + name);
    }
  }
}
