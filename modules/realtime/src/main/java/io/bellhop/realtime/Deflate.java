package io.bellhop.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * permessage-deflate done once per batch and filter instead of once per socket. Hot.
 *
 * <p>Each message is compressed by a reset deflater (no history), so the bytes are valid for every
 * client that negotiated permessage-deflate, whatever its context-takeover setting: they contain no
 * back-reference outside the message. Frames that already carry RSV1 pass Netty's per-connection
 * encoder untouched, so it never allocates its own zlib context for the socket either.
 */
public final class Deflate {
  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true));
  private static final int SYNC_TRAILER = 4; // 00 00 FF FF, removed per RFC 7692 §7.2.1

  private Deflate() {}

  /** The compressed payload of a message; the caller owns it, {@code in} is left untouched. */
  public static ByteBuf compress(ByteBuf in) {
    Deflater deflater = DEFLATERS.get();
    deflater.reset();
    deflater.setInput(in.nioBuffer());
    ByteBuf out = ByteBufAllocator.DEFAULT.heapBuffer(in.readableBytes() / 3 + 64);
    while (true) {
      out.ensureWritable(Math.max(256, in.readableBytes() / 4));
      ByteBuffer dst = out.nioBuffer(out.writerIndex(), out.writableBytes());
      int room = dst.remaining();
      int written = deflater.deflate(dst, Deflater.SYNC_FLUSH);
      out.writerIndex(out.writerIndex() + written);
      if (written < room) {
        break;
      }
    }
    out.writerIndex(out.writerIndex() - SYNC_TRAILER);
    return out;
  }

  /** Whether the socket's handshake negotiated permessage-deflate (Netty added its encoder). */
  static boolean negotiated(Channel channel) {
    for (Map.Entry<String, ChannelHandler> h : channel.pipeline()) {
      if (h.getValue().getClass().getSimpleName().equals("PerMessageDeflateEncoder")) {
        return true;
      }
    }
    return false;
  }
}
