package io.bellhop.bench;

import io.netty.channel.Channel;

/**
 * What one client connection does with the protocol events {@link ClientHandler} extracts.
 * Callbacks run on the connection's event loop.
 */
interface Session extends FrameParser.EventSink {
  /** The first text frame to send after the upgrade (Bellhop handshake), or null for none. */
  String handshake();

  /**
   * Whether the server speaks Socket.IO 4 over Engine.IO (the Socket.IO peer): open packet, then a
   * namespace connect, {@code 42["event",envelope]} packets and ping/pong in text frames.
   */
  default boolean engineIo() {
    return false;
  }

  /** Called right after the handshake frame was written. */
  default void handshakeSent() {}

  /** Upgrade done and (when a handshake is used) acknowledged. */
  void opened(Channel channel, FrameParser.Frame ack);

  /** The connection never opened. */
  void failed(String reason);

  /** An opened connection closed; {@code reason} is "eof", "close <code>" or an exception. */
  void closed(String reason);

  /** Ping, error and other control frames after open. */
  default void control(FrameParser.Frame frame) {}

  /** A frame that did not parse. */
  default void badFrame(Exception e) {}
}
