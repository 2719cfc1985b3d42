package io.bellhop.collaboration.chat;

import io.bellhop.realtime.Deflate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * One server frame going to many sockets: encoded once, compressed at most once, each socket
 * sending its own {@code retainedDuplicate()} (as the event stream shares its batches). Whoever
 * made it calls {@link #release}; used by one thread at a time (under the org's lock).
 */
final class SharedFrame {
  private final String text;
  private ByteBuf plain;
  private ByteBuf deflated;

  SharedFrame(String text) {
    this.text = text;
  }

  String text() {
    return text;
  }

  void sendTo(ChatSocket socket) {
    if (plain == null) {
      plain = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    }
    ByteBuf bytes;
    if (socket.compressed()) {
      if (deflated == null) {
        deflated = Deflate.compress(plain);
      }
      bytes = deflated;
    } else {
      bytes = plain;
    }
    socket.sendShared(bytes.retainedDuplicate());
  }

  void release() {
    if (plain != null) {
      plain.release();
    }
    if (deflated != null) {
      deflated.release();
    }
  }
}
