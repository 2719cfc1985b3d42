package io.bellhop.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Protocol mechanics of one client socket: after the HTTP upgrade, optionally send the handshake
 * frame and wait (bounded) for {@code {"type":"ack"}}, then parse every text frame and route
 * envelopes and control frames to the {@link Session}. Server close codes are surfaced (e.g. "close
 * 4509") rather than swallowed.
 */
final class ClientHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  private final Session session;
  private final long ackTimeoutMs;
  private final FrameParser.Frame frame = new FrameParser.Frame();
  private boolean open;
  private boolean failed;
  private String closeReason;
  private ScheduledFuture<?> ackTimeout;

  ClientHandler(Session session, long ackTimeoutMs) {
    this.session = session;
    this.ackTimeoutMs = ackTimeoutMs;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      String hs = session.handshake();
      if (session.engineIo()) {
        scheduleAckTimeout(ctx); // open once the server confirms the namespace connect
      } else if (hs == null) {
        markOpen(ctx, null);
      } else {
        ctx.writeAndFlush(new TextWebSocketFrame(hs));
        session.handshakeSent();
        scheduleAckTimeout(ctx);
      }
    } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      fail(ctx, "upgrade timeout");
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  private void scheduleAckTimeout(ChannelHandlerContext ctx) {
    ackTimeout =
        ctx.executor()
            .schedule(() -> fail(ctx, "ack timeout"), ackTimeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame msg) {
    if (msg instanceof TextWebSocketFrame && session.engineIo()) {
      engineIo(ctx, msg.content());
    } else if (msg instanceof TextWebSocketFrame) {
      try {
        FrameParser.parse(msg.content(), frame, session);
      } catch (Exception e) {
        session.badFrame(e);
        return;
      }
      if (!open) {
        if ("ack".equals(frame.type)) {
          if (ackTimeout != null) {
            ackTimeout.cancel(false);
          }
          markOpen(ctx, frame);
        } else if ("error".equals(frame.type)) {
          fail(ctx, "error " + frame.code);
        }
      } else if (frame.events == 0) {
        session.control(frame);
      }
    } else if (msg instanceof CloseWebSocketFrame close) {
      String reason = "close " + close.statusCode();
      if (!open) {
        fail(ctx, reason);
      } else {
        closeReason = reason;
        ctx.close();
      }
    }
  }

  /**
   * Engine.IO packet types lead each text frame: 0 open (answer with a Socket.IO connect, "40"), 2
   * ping (answer "3"), 4 a Socket.IO packet: "40…" connected, "42[…]" an event.
   */
  private void engineIo(ChannelHandlerContext ctx, ByteBuf content) {
    int at = content.readerIndex();
    int len = content.readableBytes();
    byte type = len > 0 ? content.getByte(at) : 0;
    byte sub = len > 1 ? content.getByte(at + 1) : 0;
    if (type == '0') {
      ctx.writeAndFlush(new TextWebSocketFrame("40"));
    } else if (type == '2') {
      ctx.writeAndFlush(new TextWebSocketFrame("3"));
    } else if (type == '4' && sub == '0' && !open) {
      ackTimeout.cancel(false);
      markOpen(ctx, null);
    } else if (type == '4' && sub == '2') {
      try {
        FrameParser.parse(content.slice(at + 2, len - 2), frame, session);
      } catch (Exception e) {
        session.badFrame(e);
      }
    }
  }

  private void markOpen(ChannelHandlerContext ctx, FrameParser.Frame ack) {
    open = true;
    session.opened(ctx.channel(), ack);
  }

  private void fail(ChannelHandlerContext ctx, String reason) {
    if (!failed && !open) {
      failed = true;
      session.failed(reason);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (ackTimeout != null) {
      ackTimeout.cancel(false);
    }
    if (open) {
      session.closed(closeReason == null ? "eof" : closeReason);
    } else {
      fail(ctx, closeReason == null ? "closed before open" : closeReason);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    String reason = cause.getClass().getSimpleName();
    if (cause.getMessage() != null) {
      reason += ": " + cause.getMessage();
    }
    if (!open) {
      fail(ctx, reason);
    } else {
      closeReason = reason;
      ctx.close();
    }
  }
}
