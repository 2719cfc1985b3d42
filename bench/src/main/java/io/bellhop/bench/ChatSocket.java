package io.bellhop.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The wire side of one {@link ChatMember}'s socket: after the upgrade, Bellhop's handshake frame
 * (or, for Socket.IO, the answer to Engine.IO's open packet, a namespace connect {@code 40}, and
 * pongs to its pings), then every text frame parsed into a {@link ChatFrame} for the member. A
 * socket that closes before {@code ready} has failed; one that closes after it has closed, with the
 * server's close code when there was one ("close 4800").
 */
final class ChatSocket extends SimpleChannelInboundHandler<WebSocketFrame> {
  private final ChatMember member;
  private final ChatDialect dialect;
  private final String handshake;
  private final ChatMember.Listener listener;
  private final ChatFrame frame = new ChatFrame();
  private byte[] scratch = new byte[4096];
  private String closeReason;
  private boolean failed;

  ChatSocket(
      ChatMember member, ChatDialect dialect, String handshake, ChatMember.Listener listener) {
    this.member = member;
    this.dialect = dialect;
    this.handshake = handshake;
    this.listener = listener;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      member.channel = ctx.channel();
      if (handshake != null) {
        ctx.writeAndFlush(new TextWebSocketFrame(handshake));
      }
    } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      fail(ctx, "upgrade timeout");
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame msg) {
    if (msg instanceof TextWebSocketFrame) {
      ByteBuf c = msg.content();
      int at = c.readerIndex();
      int len = c.readableBytes();
      if (dialect == ChatDialect.SOCKETIO) {
        byte type = len > 0 ? c.getByte(at) : 0;
        byte sub = len > 1 ? c.getByte(at + 1) : 0;
        if (type == '0') {
          ctx.writeAndFlush(new TextWebSocketFrame("40"));
          return;
        } else if (type == '2') {
          ctx.writeAndFlush(new TextWebSocketFrame("3"));
          return;
        } else if (type != '4' || sub != '2') {
          if (type == '4' && sub == '4') {
            fail(ctx, "connect refused");
          }
          return;
        }
        at += 2;
        len -= 2;
      }
      if (scratch.length < len) {
        scratch = new byte[Math.max(len, scratch.length * 2)];
      }
      c.getBytes(at, scratch, 0, len);
      try {
        frame.parse(scratch, 0, len);
      } catch (Exception e) {
        listener.badFrame(member, e);
        return;
      }
      member.onFrame(frame, listener, EpochMicros.now());
    } else if (msg instanceof CloseWebSocketFrame close) {
      closeReason = "close " + close.statusCode();
      ctx.close();
    }
  }

  private void fail(ChannelHandlerContext ctx, String reason) {
    if (!failed && !member.open) {
      failed = true;
      listener.failed(member, reason);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (member.open) {
      member.open = false;
      listener.closed(member, closeReason == null ? "eof" : closeReason);
    } else {
      fail(ctx, closeReason == null ? "closed before ready" : closeReason);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    String reason = cause.getClass().getSimpleName();
    if (cause.getMessage() != null) {
      reason += ": " + cause.getMessage();
    }
    closeReason = reason;
    if (!member.open) {
      fail(ctx, reason);
    } else {
      ctx.close();
    }
  }
}
