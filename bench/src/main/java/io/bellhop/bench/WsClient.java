package io.bellhop.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketClientCompressionHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Opens WebSocket client connections from a chosen loopback source address. No Origin header is
 * sent (a non-browser client, which Bellhop's origin check admits); permessage-deflate is offered
 * only when asked for.
 */
final class WsClient {
  private static final int MAX_FRAME = 16 << 20;

  private final Bootstrap bootstrap;
  private final boolean deflate;
  private final long ackTimeoutMs;
  private final LongAdder bytesIn = new LongAdder();
  private final ChannelHandler countBytes = new CountBytes();

  WsClient(EventLoopGroup group, boolean deflate, long ackTimeoutMs) {
    this.deflate = deflate;
    this.ackTimeoutMs = ackTimeoutMs;
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(Transport.clientChannel())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .option(ChannelOption.TCP_NODELAY, true);
    if (Transport.EPOLL) {
      // Choose the port at connect(), keyed by the full 4-tuple, not at bind().
      bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
    }
  }

  ChannelFuture connect(URI uri, InetSocketAddress remote, InetAddress source, Session session) {
    return connect(uri, remote, source, () -> new ClientHandler(session, ackTimeoutMs));
  }

  /** Connects with {@code handler} (made per connection) after the WebSocket upgrade handlers. */
  ChannelFuture connect(
      URI uri, InetSocketAddress remote, InetAddress source, Supplier<ChannelHandler> handler) {
    WebSocketClientProtocolConfig config =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .allowExtensions(deflate)
            .maxFramePayloadLength(MAX_FRAME)
            .handleCloseFrames(false)
            .dropPongFrames(true)
            .handshakeTimeoutMillis(Math.max(15_000, ackTimeoutMs))
            .generateOriginHeader(false)
            .withUTF8Validator(false)
            .build();
    Bootstrap b =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ChannelPipeline p = ch.pipeline();
                    p.addLast(countBytes);
                    p.addLast(new HttpClientCodec());
                    p.addLast(new HttpObjectAggregator(65_536));
                    if (deflate) {
                      p.addLast(new WebSocketClientCompressionHandler(MAX_FRAME));
                    }
                    p.addLast(new WebSocketClientProtocolHandler(config));
                    p.addLast(new WebSocketFrameAggregator(MAX_FRAME));
                    p.addLast(handler.get());
                  }
                });
    return b.connect(remote, new InetSocketAddress(source, 0));
  }

  /** Bytes read from every socket so far, as they came off the wire (TCP payload). */
  long bytesReceived() {
    return bytesIn.sum();
  }

  @ChannelHandler.Sharable
  private final class CountBytes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        bytesIn.add(b.readableBytes());
      }
      ctx.fireChannelRead(msg);
    }
  }
}
