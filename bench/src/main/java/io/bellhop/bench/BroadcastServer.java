package io.bellhop.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The near-physical baseline: a bare Netty WebSocket fan-out with no durability, no auth and no
 * batching, i.e. the cost floor for "deliver each event to every socket of its org" on this box.
 *
 * <p>Subscribers connect to {@code /ws?org=org-7}. Publishers {@code POST /publish} one envelope or
 * an array; each envelope is framed once (WebSocket header + payload in one direct buffer) and the
 * same bytes are written to every socket of its {@code orgId} via retained duplicates. {@code GET
 * /health} answers for scripts.
 */
final class BroadcastServer {
  private final Map<String, ChannelGroup> orgs = new ConcurrentHashMap<>();

  static int run(Args a) throws InterruptedException {
    new BroadcastServer()
        .serve(
            a.str("host", "127.0.0.1"),
            a.integer("port", 18090),
            a.integer("threads", Runtime.getRuntime().availableProcessors()));
    return 0;
  }

  private void serve(String host, int port, int threads) throws InterruptedException {
    Loopback.require(java.net.URI.create("http://" + host + ":" + port));
    EventLoopGroup boss = Transport.group(1);
    EventLoopGroup workers = Transport.group(threads);
    Handler handler = new Handler();
    Channel server =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(Transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(4 << 20))
                        .addLast(
                            new WebSocketServerProtocolHandler(
                                "/ws", null, false, 65536, false, true))
                        .addLast(handler);
                  }
                })
            .bind(host, port)
            .sync()
            .channel();
    System.out.printf(
        "broadcast server on %s:%d (%s, %d threads)%n", host, port, Transport.name(), threads);
    server.closeFuture().sync(); // runs until killed; the OS reclaims the sockets
  }

  /** Splits a publish body into envelopes and fans each out to its org; returns the count. */
  private int publish(ByteBuf body, ByteBufAllocator alloc) throws IOException {
    byte[] bytes = ByteBufUtil.getBytes(body);
    int n = 0;
    try (JsonParser p = Json.FACTORY.createParser(bytes)) {
      JsonToken tok = p.nextToken();
      boolean array = tok == JsonToken.START_ARRAY;
      while (array
          ? p.nextToken() == JsonToken.START_OBJECT
          : n == 0 && tok == JsonToken.START_OBJECT) {
        int start = (int) p.currentTokenLocation().getByteOffset();
        String org = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          if (name.equals("orgId")) {
            org = p.getText();
          } else {
            p.skipChildren();
          }
        }
        int end = (int) p.currentTokenLocation().getByteOffset() + 1;
        n++;
        ChannelGroup group = org == null ? null : orgs.get(org);
        if (group != null && !group.isEmpty()) {
          fanOut(group, frame(alloc, bytes, start, end - start));
        }
      }
    }
    return n;
  }

  /**
   * Writes the same frame bytes to every socket of the group. The write always goes through the
   * socket's event loop queue, never inline: an inline write from the loop that happens to read the
   * next publish could overtake an earlier event still queued there, breaking per-org order.
   */
  private static void fanOut(ChannelGroup group, ByteBuf frame) {
    for (Channel ch : group) {
      ByteBuf dup = frame.retainedDuplicate();
      ch.eventLoop().execute(() -> ch.writeAndFlush(dup, ch.voidPromise()));
    }
    frame.release();
  }

  /** One unmasked FIN text frame: header and payload encoded once, shared by every recipient. */
  private static ByteBuf frame(ByteBufAllocator alloc, byte[] src, int off, int len) {
    ByteBuf buf = alloc.directBuffer(len + 10);
    buf.writeByte(0x81);
    if (len < 126) {
      buf.writeByte(len);
    } else if (len < 65536) {
      buf.writeByte(126).writeShort(len);
    } else {
      buf.writeByte(127).writeLong(len);
    }
    return buf.writeBytes(src, off, len);
  }

  @Sharable
  private final class Handler extends SimpleChannelInboundHandler<Object> {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof HandshakeComplete hc) {
        List<String> org = new QueryStringDecoder(hc.requestUri()).parameters().get("org");
        String key = org == null || org.isEmpty() ? "" : org.get(0);
        orgs.computeIfAbsent(key, k -> new DefaultChannelGroup(GlobalEventExecutor.INSTANCE))
            .add(ctx.channel());
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws IOException {
      if (!(msg instanceof FullHttpRequest req)) {
        return; // text frames from subscribers are ignored
      }
      String path = new QueryStringDecoder(req.uri()).path();
      boolean publish = path.equals("/publish") && req.method().equals(HttpMethod.POST);
      String body =
          publish
              ? "{\"accepted\":" + publish(req.content(), ctx.alloc()) + "}"
              : path.equals("/health") ? "{\"status\":\"UP\"}" : null;
      HttpResponseStatus status =
          body == null ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.OK;
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              status,
              Unpooled.copiedBuffer(body == null ? "{}" : body, StandardCharsets.UTF_8));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      HttpUtil.setContentLength(res, res.content().readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(res, keepAlive);
      ctx.writeAndFlush(res).addListener(keepAlive ? f -> {} : ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
