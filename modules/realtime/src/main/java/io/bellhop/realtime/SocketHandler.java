package io.bellhop.realtime;

import io.bellhop.platform.CloseCode;
import io.bellhop.platform.ErrorCode;
import io.netty.buffer.ByteBuf;

/**
 * A module's side of one socket. The kernel calls it on the socket's event loop, except {@link
 * #ended()}, which runs on whichever thread ended the socket. A {@link Refusal} thrown from {@link
 * #onText} is sent to the client as an error frame and closes the socket.
 */
public interface SocketHandler {

  /** A whole, bounded, valid UTF-8 text message from the client. */
  void onText(String text);

  /**
   * A whole binary message from the client, at most {@link SocketSpec#maxBinaryBytes()} bytes; only
   * on endpoints that take binary. Takes ownership of {@code bytes}: release it.
   */
  default void onBinary(ByteBuf bytes) {
    bytes.release();
    throw new Refusal(
        CloseCode.UNSUPPORTED_DATA, ErrorCode.BAD_REQUEST, "binary messages are not accepted");
  }

  /**
   * The socket is ending (the kernel is closing it, or the peer went away); called once. Stop
   * queueing frames and release what the connection holds. Must not block.
   */
  void ended();

  /**
   * A frame of {@code events} events was written to the kernel's socket buffer.
   *
   * @param appendedAtMicros when the log accepted them, 0 for replayed events
   */
  default void written(int events, long appendedAtMicros) {}

  /** Key=value fields for this socket's {@code <name>.close} log line, e.g. {@code delivered=5}. */
  default String closeLogFields() {
    return "";
  }
}
