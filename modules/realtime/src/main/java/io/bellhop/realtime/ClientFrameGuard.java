package io.bellhop.realtime;

import io.bellhop.platform.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every frame a stream client sends passes here first, right behind Netty's frame decoder, and only
 * whole, valid, bounded text messages go on to Micronaut. Hot: runs once per client frame on the
 * channel's event loop.
 *
 * <p>What it enforces, each with its close code: a rate of frames of any kind (4430); text only
 * (1003), unless the endpoint takes binary messages ({@link SocketSpec#maxBinaryBytes()}), which go
 * straight to the socket's owner and never through Micronaut; RSV bits only as negotiated (1002);
 * the message limits while reassembling fragments and while inflating (1009), since Netty's frame
 * limit is per frame and its deflate decoder has no cap; valid UTF-8 (1007). It takes the place of
 * Netty's permessage-deflate decoder and answers pings itself through the session's bounded writer,
 * at most one pong outstanding, where Micronaut would answer each one unbounded. Once it has
 * refused a connection nothing more is decoded, inflated or parsed: raw input is dropped up to
 * {@link #DRAIN_AFTER_REFUSAL}, then no longer read, so a hostile client costs no work after its
 * close.
 */
final class ClientFrameGuard extends ChannelInboundHandlerAdapter {
  static final String NAME = "bellhop-frame-guard";

  /** Headroom for deflate's framing on top of the message limit, counted on the wire. */
  private static final int WIRE_SLACK = 1024;

  /**
   * After a refusal, bytes still read (undecoded) before the socket stops reading. Draining what a
   * client already sent lets its close frame arrive: a socket closed with unread input is reset and
   * the peer loses what it had not read yet. A flood past this costs nothing more.
   */
  static final int DRAIN_AFTER_REFUSAL = 1 << 20;

  /** What the guard needs from its connection. */
  interface Owner {
    /** Closes the connection with {@code code}; the guard drops every frame after this call. */
    void violated(CloseCode code, String reason);

    /** A client ping to answer; takes ownership of {@code payload}. */
    void pinged(ByteBuf payload);

    /** A whole binary message, within the binary limit; takes ownership of {@code bytes}. */
    void binary(ByteBuf bytes);
  }

  /** How client data frames are compressed, as negotiated at the upgrade. */
  enum Deflate {
    NONE,
    /** RFC 7692: RSV1 on a message's first frame; the message is one deflate stream. */
    PER_MESSAGE,
    /** The older deflate-frame draft: each frame with RSV1 is compressed on its own. */
    PER_FRAME
  }

  private final Owner owner;
  private final int maxMessageBytes;
  private final int maxBinaryBytes;
  private final TokenBucket bucket;
  private Deflate deflate;
  private final Duration closeGrace;
  private final BoundedInflater inflater = new BoundedInflater();

  private ByteBuf message;
  private int messageWireBytes;
  private boolean messageCompressed;
  private boolean messageBinary;
  private boolean refused;
  private ScheduledFuture<?> closeTimer;

  /**
   * @param maxMessageBytes the largest text message
   * @param maxBinaryBytes the largest binary message; 0 refuses binary frames (1003)
   */
  ClientFrameGuard(
      Owner owner,
      int maxMessageBytes,
      int maxBinaryBytes,
      TokenBucket bucket,
      Deflate deflate,
      Duration closeGrace) {
    this.owner = owner;
    this.maxMessageBytes = maxMessageBytes;
    this.maxBinaryBytes = maxBinaryBytes;
    this.bucket = bucket;
    this.deflate = deflate;
    this.closeGrace = closeGrace;
  }

  /**
   * Puts a guard right behind the channel's WebSocket frame decoder, taking the place of Netty's
   * deflate decoder if the upgrade negotiated one. Call on the upgraded channel before it reads its
   * first frame.
   */
  static ClientFrameGuard install(
      Channel channel,
      Owner owner,
      int maxMessageBytes,
      int maxBinaryBytes,
      TokenBucket bucket,
      Duration closeGrace) {
    ChannelPipeline pipeline = channel.pipeline();
    Deflate deflate = takeDeflateDecoder(pipeline);
    ChannelHandlerContext frames = pipeline.context(WebSocketFrameDecoder.class);
    if (frames == null) {
      throw new IllegalStateException("no WebSocket frame decoder in " + pipeline.names());
    }
    var guard =
        new ClientFrameGuard(owner, maxMessageBytes, maxBinaryBytes, bucket, deflate, closeGrace);
    pipeline.addAfter(frames.name(), NAME, guard);
    return guard;
  }

  /** Removes Netty's deflate decoder, if the upgrade negotiated one, and says which it was. */
  private static Deflate takeDeflateDecoder(ChannelPipeline pipeline) {
    Deflate deflate = Deflate.NONE;
    for (Map.Entry<String, ChannelHandler> h : pipeline) {
      if (h.getValue() instanceof WebSocketExtensionDecoder decoder) {
        deflate =
            decoder.getClass().getSimpleName().contains("PerFrame")
                ? Deflate.PER_FRAME
                : Deflate.PER_MESSAGE;
        pipeline.remove(decoder);
      }
    }
    return deflate;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (refused) {
      frame.release();
      return;
    }
    if (frame instanceof CloseWebSocketFrame) {
      // Micronaut answers with its own close frame; a client that sends close and stops reading
      // must not keep the socket open behind a queue it never drains.
      closeAfterGrace(ctx.channel());
      ctx.fireChannelRead(frame);
      return;
    }
    try {
      if (!bucket.take(System.nanoTime())) {
        refuse(ctx, CloseCode.TOO_MANY_MESSAGES, "too many frames");
      } else if (frame instanceof PingWebSocketFrame) {
        owner.pinged(frame.content().retain());
      } else if (frame instanceof PongWebSocketFrame) {
        // Unsolicited pongs are allowed and mean nothing here.
      } else if (frame instanceof BinaryWebSocketFrame && maxBinaryBytes == 0) {
        refuse(ctx, CloseCode.UNSUPPORTED_DATA, "binary frames are not accepted");
      } else {
        dataFrame(ctx, frame);
      }
    } finally {
      frame.release();
    }
  }

  /** A text, binary or continuation frame; Netty's decoder has already checked their order. */
  private void dataFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
    boolean first = frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame;
    int rsv = frame.rsv();
    if ((rsv & ~WebSocketExtension.RSV1) != 0) {
      refuse(ctx, CloseCode.PROTOCOL_ERROR, "RSV2/RSV3 set");
      return;
    }
    boolean rsv1 = rsv != 0;
    if (rsv1 && deflate == Deflate.NONE) {
      // Netty adds its deflate decoder once the 101 response is written, normally before the
      // guard is installed; should that write have finished later, take the decoder now.
      deflate = takeDeflateDecoder(ctx.pipeline());
    }
    if (rsv1 && deflate == Deflate.NONE) {
      refuse(ctx, CloseCode.PROTOCOL_ERROR, "RSV1 set but no compression was negotiated");
      return;
    }
    if (rsv1 && deflate == Deflate.PER_MESSAGE && !first) {
      refuse(ctx, CloseCode.PROTOCOL_ERROR, "RSV1 set on a continuation frame");
      return;
    }
    if (first) {
      messageCompressed = rsv1;
      messageWireBytes = 0;
      messageBinary = frame instanceof BinaryWebSocketFrame;
    }
    int limit = messageBinary ? maxBinaryBytes : maxMessageBytes;
    boolean compressed = deflate == Deflate.PER_FRAME ? rsv1 : messageCompressed;
    ByteBuf content = frame.content();
    if (first && frame.isFinalFragment() && !compressed) {
      // The common case, a whole plain message in one frame: no copy.
      if (content.readableBytes() > limit) {
        refuse(ctx, CloseCode.MESSAGE_TOO_BIG, tooBig());
      } else {
        deliver(ctx, content.retain());
      }
      return;
    }
    messageWireBytes += content.readableBytes();
    if (messageWireBytes > limit + WIRE_SLACK) {
      refuse(ctx, CloseCode.MESSAGE_TOO_BIG, tooBig());
      return;
    }
    if (message == null) {
      message = ctx.alloc().heapBuffer(Math.min(1024, limit + 1), limit + 1);
    }
    if (compressed) {
      boolean end = deflate == Deflate.PER_FRAME || frame.isFinalFragment();
      switch (inflater.inflate(content, end, message, limit)) {
        case TOO_BIG -> {
          refuse(ctx, CloseCode.MESSAGE_TOO_BIG, tooBig());
          return;
        }
        case CORRUPT -> {
          refuse(ctx, CloseCode.PROTOCOL_ERROR, "compressed data is corrupt");
          return;
        }
        case OK -> {}
      }
    } else if (message.readableBytes() + content.readableBytes() > limit) {
      refuse(ctx, CloseCode.MESSAGE_TOO_BIG, tooBig());
      return;
    } else {
      message.writeBytes(content);
    }
    if (frame.isFinalFragment()) {
      ByteBuf whole = message;
      message = null;
      deliver(ctx, whole);
    }
  }

  /** A whole message: binary to the owner, valid UTF-8 text on to Micronaut. Takes {@code m}. */
  private void deliver(ChannelHandlerContext ctx, ByteBuf m) {
    if (messageBinary) {
      owner.binary(m);
    } else if (!ByteBufUtil.isText(m, StandardCharsets.UTF_8)) {
      m.release();
      refuse(ctx, CloseCode.INVALID_PAYLOAD, "text is not valid UTF-8");
    } else {
      ctx.fireChannelRead(new TextWebSocketFrame(m));
    }
  }

  private String tooBig() {
    return messageBinary
        ? "binary messages to the server are limited to " + maxBinaryBytes + " bytes"
        : "messages to the server are limited to " + maxMessageBytes + " bytes";
  }

  private void refuse(ChannelHandlerContext ctx, CloseCode code, String reason) {
    refused = true;
    releaseMessage();
    inflater.end();
    ChannelHandlerContext frames = ctx.pipeline().context(WebSocketFrameDecoder.class);
    if (frames != null) {
      ctx.pipeline().addBefore(frames.name(), "bellhop-drain", new Drain());
    } else {
      ctx.channel().config().setAutoRead(false);
    }
    owner.violated(code, reason);
  }

  /**
   * Netty's decoder found a broken frame (too long, unmasked, bad opcode): it has sent its own
   * close frame; make sure the socket goes even if the client never reads it.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException) {
      refused = true;
      releaseMessage();
      closeAfterGrace(ctx.channel());
    }
    ctx.fireExceptionCaught(cause);
  }

  private void closeAfterGrace(Channel channel) {
    if (closeTimer == null) {
      closeTimer =
          channel
              .eventLoop()
              .schedule(() -> channel.close(), closeGrace.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The channel is gone (or the guard removed): nothing more to reassemble or inflate. */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseMessage();
    inflater.end();
    if (closeTimer != null) {
      closeTimer.cancel(false);
    }
  }

  /** Drops raw input after a refusal; past its budget, stops reading altogether. */
  private static final class Drain extends ChannelInboundHandlerAdapter {
    private long drained;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        drained += b.readableBytes();
      }
      ReferenceCountUtil.release(msg);
      if (drained > DRAIN_AFTER_REFUSAL) {
        ctx.channel().config().setAutoRead(false);
      }
    }
  }

  private void releaseMessage() {
    if (message != null) {
      message.release();
      message = null;
    }
  }
}
